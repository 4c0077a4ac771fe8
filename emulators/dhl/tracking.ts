// GET /tracking/v4/package?trackingId= (or dhlPackageId=, or packageId= under the
// token's pickup): the package and its events, newest last as set by tests.
import { invalid, problem } from "./problems";
import type { Reply } from "./http";
import type { BusinessContext } from "./shipping";

export function trackReply(ctx: BusinessContext): Reply {
  const trackingId = ctx.query.get("trackingId") ?? ctx.query.get("dhlPackageId");
  const packageId = ctx.query.get("packageId");
  if (!trackingId && !packageId) return invalid([{ name: "trackingId", reason: "trackingId or packageId is required" }]);
  const shipment = trackingId ? ctx.state.findPackage(trackingId) : ctx.state.shipment(ctx.token.pickup, packageId!);
  // Assumption: an unknown package is a 404 problem (not an empty list).
  if (!shipment) return problem(404, "Not Found", "No packages found");
  return {
    status: 200,
    body: {
      timestamp: new Date().toISOString(),
      packages: [
        {
          package: {
            packageId: shipment.packageId,
            dhlPackageId: shipment.dhlPackageId,
            trackingId: shipment.trackingId,
            pickup: shipment.pickup,
            distributionCenter: shipment.distributionCenter,
            productId: shipment.orderedProductId,
          },
          recipient: { country: shipment.consigneeCountry },
          events: shipment.events,
        },
      ],
    },
  };
}
