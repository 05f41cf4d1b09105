// The download link of an export: /account/data/download?export=<id>&token=<token>. The token is
// an HMAC of the export id under a key derived from PORTICO_SECRET for this purpose alone, so the
// page and the mail build the same link without any token stored (a copy of the database yields
// no link), and one link opens one archive only. It is checked in constant time; the session must
// also be the export owner's (requests.ts), and the link dies with the export's download window.
import "server-only";
import crypto from "node:crypto";
import { deriveKey } from "@/lib/config";
import { safeEqual } from "@/lib/crypto";
import { isRandomToken, isUuid } from "@/lib/formats";

export const DOWNLOAD_PATH = "/account/data/download";

export function downloadToken(exportId: string): string {
  return crypto.createHmac("sha256", deriveKey("data-export-link")).update(exportId).digest("base64url");
}

/** The origin-relative link (the page); mail makes it absolute on PORTICO_URL. */
export function downloadPath(exportId: string): string {
  return `${DOWNLOAD_PATH}?${new URLSearchParams({ export: exportId, token: downloadToken(exportId) })}`;
}

/** Whether `token` is the link token of `exportId`; malformed input is simply false. */
export function isDownloadToken(exportId: unknown, token: unknown): exportId is string {
  return isUuid(exportId) && isRandomToken(token) && safeEqual(token, downloadToken(exportId));
}
