import { afterAll, describe, expect, it } from "vitest";
import { InvalidJobIdError, closeQueues, enqueue, getQueue } from "~/jobs/queues.server";
import { closeProducerRedis } from "~/jobs/redis.server";

afterAll(async () => {
  await getQueue("inventory").obliterate({ force: true });
  await closeQueues();
  await closeProducerRedis();
});

describe("enqueue", () => {
  it("adds a job once per deterministic id", async () => {
    const request = { queue: "inventory" as const, name: "inventory.probe", data: { shopId: "s1" }, jobId: "probe-sku-1" };
    await enqueue(request);
    await enqueue(request);
    const queue = getQueue("inventory");
    expect(await queue.getJobCountByTypes("waiting")).toBe(1);
    const job = await queue.getJob("probe-sku-1");
    expect(job?.data).toEqual({ shopId: "s1" });
    expect(job?.opts.attempts).toBe(3);
  });

  it.each(["has:colon", "12345"])("refuses the id %s that BullMQ would mishandle", async (jobId) => {
    await expect(enqueue({ queue: "inventory", name: "inventory.probe", data: {}, jobId })).rejects.toBeInstanceOf(
      InvalidJobIdError,
    );
  });
});
