// Shared by the list pages: query-string navigation that keeps the filters and
// drops the page cursor, and the previous/next control for keyset pages.
import { useNavigate, useSearchParams } from "@remix-run/react";
import { Pagination } from "@shopify/polaris";

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
