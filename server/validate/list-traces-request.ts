import type { ListTracesRequest } from "../../gen/devtrace/v1/trace_service_pb.js";
import { checkText, invalid } from "./rules.js";
import { validateTraceFilter } from "./trace-filter.js";
import { checkWellFormed } from "./well-formed.js";

/** page_size when the request leaves it 0. */
export const defaultPageSize = 50;
/** Largest page_size. */
export const maxPageSize = 500;

/** Filter valid, page_size 0..500 (0 = 50), page_token bounded; returns the page size to use. */
export function validateListTracesRequest(req: ListTracesRequest): number {
  checkWellFormed("", req);
  validateTraceFilter("filter", req.filter);
  if (req.pageSize > maxPageSize) throw invalid("page_size", `${req.pageSize} is over the limit of ${maxPageSize}`);
  checkText("page_token", req.pageToken, { maxBytes: 1024 });
  return req.pageSize === 0 ? defaultPageSize : req.pageSize;
}
