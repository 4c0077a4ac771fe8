import { describe, expect, it } from "vitest";
import { maskRecipient } from "~/notifications/message-queries.server";

describe("maskRecipient", () => {
  it("keeps the first letter and the domain of an email", () => {
    expect(maskRecipient("jane.doe@example.com")).toBe("j***@example.com");
    expect(maskRecipient("j@example.com")).toBe("j***@example.com");
    expect(maskRecipient("  Owner@Shop.example  ")).toBe("O***@Shop.example");
    // The last @ separates the domain; a quoted local part with @ stays hidden.
    expect(maskRecipient('"a@b"@example.com')).toBe('"***@example.com');
    expect(maskRecipient("@example.com")).toBe("***@example.com");
  });

  it("keeps the calling code and the last 4 digits of a phone", () => {
    expect(maskRecipient("+15551234567")).toBe("+1 ••• ••• 4567");
    expect(maskRecipient("+447700900123")).toBe("+44 ••• ••• 0123");
    expect(maskRecipient("+971501234567")).toBe("+971 ••• ••• 4567");
    expect(maskRecipient("+79161234567")).toBe("+7 ••• ••• 4567");
    expect(maskRecipient("+20 100 123 4567")).toBe("+20 ••• ••• 4567");
    // WhatsApp ids are E.164 digits without the plus.
    expect(maskRecipient("212612345678")).toBe("+212 ••• ••• 5678");
  });

  it("never shows more than a hint of anything else", () => {
    expect(maskRecipient("12345")).toBe("••• 45");
    expect(maskRecipient("someone")).toBe("s***");
    expect(maskRecipient("x")).toBe("***");
    expect(maskRecipient("")).toBe("***");
  });

  it("hides every digit but the last 4 of real-world numbers", () => {
    for (const phone of ["+15551234567", "+4915112345678", "+8613812345678", "+5511987654321"]) {
      const masked = maskRecipient(phone);
      const hiddenPart = phone.slice(0, -4).replace(/^\+\d{1,3}/, "");
      expect(masked).not.toContain(hiddenPart);
      expect(masked.endsWith(phone.slice(-4))).toBe(true);
    }
  });
});
