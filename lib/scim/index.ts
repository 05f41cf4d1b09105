// SCIM 2.0 (RFC 7643, RFC 7644): the provisioning API's domain. lib/http/endpoints/scim.ts speaks HTTP.
import "server-only";
export {
  listUsers,
  getUser,
  createUser,
  replaceUser,
  patchUser,
  markUserForDeletion,
  listGroups,
  getGroup,
  createGroup,
  replaceGroup,
  patchGroup,
  deleteGroup,
  scimExtensions,
  getOwnUser,
  projectResource,
  MAX_RESULTS,
  type ScimCaller,
  type ListQuery,
  type UserChange,
} from "./service";
export { directoryRecordForExport, type DirectoryRecord } from "./export.repo";
export { ScimError, invalidSyntax, invalidValue } from "./scim.errors";
export { parseAttributeList } from "./filter";
export { serviceProviderConfig, schemasListResponse, resourceTypesListResponse, resourceTypes, allSchemas, schemaResource } from "./schemas";
