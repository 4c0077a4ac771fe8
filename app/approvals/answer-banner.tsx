// The banner every decision answer becomes (success, 400, 403, 404, 409, 410, 429),
// shared by the approval page and the Approvals list. Browser-safe: no server imports.
import { Banner } from "@shopify/polaris";
import type { DecisionAnswer } from "./approval-errors";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "an earlier time");

const TITLES: Record<number, string> = {
  400: "Invalid link",
  403: "Not allowed",
  404: "Not found",
  409: "Already decided",
  410: "Link expired",
  429: "Too many attempts",
};

export function AnswerBanner({ answer, onDismiss }: { answer: DecisionAnswer; onDismiss?: () => void }) {
  if (answer.ok) {
    return (
      <Banner tone="success" title={answer.status === "APPROVED" ? "Order approved" : "Order rejected"} onDismiss={onDismiss}>
        <p>
          {answer.status === "APPROVED"
            ? "It goes on to fulfillment and the buyer is notified."
            : "It is being cancelled on its sales channel (stock restocked) and the buyer is notified."}
        </p>
      </Banner>
    );
  }
  const { error } = answer;
  return (
    <Banner tone={error.status === 409 ? "warning" : "critical"} title={`${TITLES[error.status] ?? "Could not decide"} (${error.status})`} onDismiss={onDismiss}>
      <p>{error.message}</p>
      {error.decided ? (
        <p>
          {error.decided.status.toLowerCase()} by {error.decided.decidedByEmail ?? "another admin"} on {when(error.decided.decidedAt)}
          {error.decided.decidedVia ? ` (${error.decided.decidedVia.toLowerCase().replace("_", " ")})` : ""}.
        </p>
      ) : null}
    </Banner>
  );
}
