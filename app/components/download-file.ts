/**
 * Inside the admin iframe a plain link would lose the session token, so the file is
 * fetched (App Bridge adds the token to same-origin fetches) and saved from memory.
 */
export async function downloadFile(url: string, filename: string, failureMessage: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) {
    window.shopify?.toast.show(failureMessage, { isError: true });
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
