// GET /api/consent/v1/problems/{type}: the documentation of each problem type the API answers
// with, so that a problem's `type` URI resolves to what it means and what to do (RFC 9457 §3.1.1,
// which obsoletes RFC 7807: "When dereferenced, it SHOULD provide human-readable documentation").
// GET /api/consent/v1/problems lists them all. A path the API does not have is the not-found problem.
import "server-only";
import { escapeHtml } from "@/lib/formats";
import { type EndpointRequest, type EndpointResult } from "../result";
import { PROBLEM_TYPES, errorResult, lastPathSegment, problem, problemTypeUri, type ProblemType } from "./problem";

const HTML_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "public, max-age=3600",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
};

const isProblemType = (name: string): name is ProblemType => Object.hasOwn(PROBLEM_TYPES, name);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style></head>
<body>${body}</body></html>`;
}

function describe(type: ProblemType): string {
  const { status, title, explanation } = PROBLEM_TYPES[type];
  const text = escapeHtml(explanation).replace(/`([^`]+)`/g, "<code>$1</code>");
  return `<section id="${type}"><h2>${escapeHtml(title)}</h2><p>Type <code>${escapeHtml(problemTypeUri(type))}</code>, HTTP status ${status}.</p><p>${text}</p></section>`;
}

/** One problem type's documentation; an unknown one is the not-found problem. */
export async function GET_ONE(request: EndpointRequest): Promise<EndpointResult> {
  let name: string;
  try {
    name = lastPathSegment(request);
  } catch (e) {
    return errorResult(e);
  }
  if (!isProblemType(name)) return problem("not-found", "There is no such problem type; GET /problems lists them.");
  return { status: 200, headers: HTML_HEADERS, body: page(PROBLEM_TYPES[name].title, `<p><a href="../problems">Portico consent API problem types</a></p>${describe(name)}`) };
}

/** Every problem type, one section each. */
export async function GET_ALL(): Promise<EndpointResult> {
  const sections = (Object.keys(PROBLEM_TYPES) as ProblemType[]).map(describe).join("\n");
  const intro = `<h1>Portico consent API problem types</h1><p>Every error of the consent API is an <code>application/problem+json</code> object (RFC 9457) whose <code>type</code> is one of these; <code>detail</code> says what was wrong with the request at hand.</p>`;
  return { status: 200, headers: HTML_HEADERS, body: page("Portico consent API problem types", intro + sections) };
}

/** Any path under the API that no route serves. */
export async function NOT_FOUND(): Promise<EndpointResult> {
  return problem("not-found", "The consent API has no such path; /openapi.json lists them.");
}
