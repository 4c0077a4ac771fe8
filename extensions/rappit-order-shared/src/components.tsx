/** @jsxImportSource preact */
// Pieces the three extensions render the same way.
// The type import loads the admin's s-* element types into preact's JSX namespace.
import type {} from "@shopify/ui-extensions/admin.order-details.block.render";
import type { BannerView, DetailView } from "./format";

export function Banners({ banners }: { banners: BannerView[] }) {
  return (
    <>
      {banners.map((banner) => (
        <s-banner key={`${banner.tone}:${banner.heading}`} tone={banner.tone} heading={banner.heading}>
          {banner.text && <s-paragraph>{banner.text}</s-paragraph>}
        </s-banner>
      ))}
    </>
  );
}

export function Details({ details }: { details: DetailView[] }) {
  if (details.length === 0) return null;
  return (
    <s-stack direction="block" gap="small-200">
      {details.map((detail) => (
        <s-text key={detail.label}>
          <s-text type="strong">{detail.label}:</s-text> {detail.value}
        </s-text>
      ))}
    </s-stack>
  );
}
