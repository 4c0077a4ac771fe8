// Every HTTP request runs in its own request context: the id from X-Request-Id when a
// proxy sent a sane one, else a new one, echoed back on the response so a merchant's
// support ticket can quote it. Log lines and enqueued jobs pick it up from the context.
// One access line per request when it finishes: method, path (never the query, which
// carries session tokens and HMACs), status and time; probes and scrapes only at debug.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { loggerFor } from "../app/logging/logger.server";
import { currentRequestContext, requestIdFrom, runWithRequestContext } from "../app/logging/request-context.server";

const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export function requestContext(logger: Logger = loggerFor("http")) {
  return (req: Request, res: Response, next: NextFunction): void => handle(logger, req, res, next);
}

function handle(logger: Logger, req: Request, res: Response, next: NextFunction): void {
  const requestId = requestIdFrom(req.get("x-request-id"));
  res.setHeader("X-Request-Id", requestId);
  const started = performance.now();
  runWithRequestContext({ requestId }, () => {
    // The live context: the shop is filled in once a route knows it.
    const context = currentRequestContext();
    res.once("finish", () => {
      const line = { requestId, shop: context?.shop, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) };
      if (QUIET_PATHS.has(req.path)) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    next();
  });
}
