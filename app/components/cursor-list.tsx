// Shared by the list pages: query-string navigation that keeps the filters and
// drops the page cursor, the previous/next control for keyset pages, and the card around them.
import { useNavigate, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, EmptyState, Pagination } from "@shopify/polaris";
import type { ReactNode } from "react";

export function useListNavigation(path: string) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  /** Applies `changes` (null removes a key); any change of filter starts from the first page. */
  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.delete("older");
    next.delete("newer");
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    navigate(`${path}${next.size ? `?${next}` : ""}`);
  };
  return { params, go, navigate };
}

export function CursorPagination(props: {
  olderCursor: string | null;
  newerCursor: string | null;
  go: (changes: Record<string, string | null>) => void;
}) {
  // One page only: two disabled arrows would be noise under the list.
  if (!props.olderCursor && !props.newerCursor) return null;
  return (
    <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
      <Pagination
        hasPrevious={Boolean(props.newerCursor)}
        onPrevious={() => props.go({ newer: props.newerCursor })}
        hasNext={Boolean(props.olderCursor)}
        onNext={() => props.go({ older: props.olderCursor })}
      />
    </div>
  );
}

const EMPTY_STATE_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

/**
 * The card every list page shows: its filters on top, then the table or, when there is
 * nothing to list, an empty state saying why; keyset pagination at the bottom.
 */
export function FilteredListCard(props: {
  filters: ReactNode;
  /** Shown instead of the table; null shows the table. */
  empty: { heading: string; body: string } | null;
  pagination: { olderCursor: string | null; newerCursor: string | null; go: (changes: Record<string, string | null>) => void };
  children: ReactNode;
}) {
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: "var(--p-space-300)" }}>{props.filters}</div>
        {props.empty ? (
          <EmptyState heading={props.empty.heading} image={EMPTY_STATE_IMAGE}>
            <p>{props.empty.body}</p>
          </EmptyState>
        ) : (
          props.children
        )}
        <CursorPagination {...props.pagination} />
      </BlockStack>
    </Card>
  );
}
