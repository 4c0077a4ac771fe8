// Every HTTP request runs in its own request context: the id from X-Request-Id when a
// proxy sent a sane one, else a new one, echoed back on the response so a merchant's
// support ticket can quote it. Log lines and enqueued jobs pick it up from the context.
import type { NextFunction, Request, Response } from "express";
import { requestIdFrom, runWithRequestContext } from "../app/logging/request-context.server";

export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const requestId = requestIdFrom(req.get("x-request-id"));
  res.setHeader("X-Request-Id", requestId);
  runWithRequestContext({ requestId }, next);
}
