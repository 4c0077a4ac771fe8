// Polaris index table cells never wrap (white-space: nowrap), so one long value (a job id,
// a provider's error, an audit change) widens the table until the row's actions scroll off
// the card. Content that can be long goes in this box instead, which wraps within a width.
import type { ReactNode } from "react";

export function WrappingCell({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <div title={title} style={{ whiteSpace: "normal", overflowWrap: "anywhere", minWidth: "8rem", maxWidth: "18rem" }}>
      {children}
    </div>
  );
}
