// Any path under the consent API that no route serves: the not-found problem (RFC 9457), whatever the method.
import { consentApi, nextRoute } from "@/lib/http";

export const dynamic = "force-dynamic";
const notFound = nextRoute(consentApi.problems.NOT_FOUND);
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
