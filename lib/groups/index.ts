// Groups: the console's management of the groups SCIM also provisions (lib/scim writes them there).
import "server-only";
export {
  listGroups,
  getGroup,
  createGroup,
  renameGroup,
  deleteGroup,
  addMember,
  removeMember,
  groupNameSchema,
  GROUP_PAGE_SIZE,
  MEMBER_PAGE_SIZE,
  NO_ACCOUNT_MESSAGE,
  STAFF_MEMBER_MESSAGE,
  type GroupListItem,
  type GroupListPage,
  type GroupDetail,
  type GroupMemberView,
} from "./groups";
export { membershipsForExport } from "./export.repo";
export { GroupError, type GroupErrorCode } from "./groups.errors";
