import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

// What can be checked of the image and the compose file without Docker: the stages and
// their commands, that everything they copy or run exists, and Redis's settings.
const dockerfile = readFileSync("Dockerfile", "utf8");
const stages = dockerfile.split(/^FROM /m).slice(1).map((text) => ({ from: text.split("\n")[0], body: text }));
const runtime = stages.find((stage) => / AS runtime$/.test(stage.from))!;
const build = stages.find((stage) => / AS build$/.test(stage.from))!;

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as { services: Record<string, Service> };
const appServices = ["migrate", "web", "workers"];

describe("Dockerfile", () => {
  it("builds on Node 22 in two stages, the runtime with production dependencies only", () => {
    expect(stages.map((stage) => stage.from)).toEqual(["node:22-bookworm-slim AS build", "node:22-bookworm-slim AS runtime"]);
    expect(build.body).toMatch(/^RUN npm ci --ignore-scripts$/m);
    expect(build.body).toMatch(/^RUN npx prisma generate$/m);
    expect(build.body).toMatch(/^RUN npx remix vite:build$/m);
    expect(runtime.body).toMatch(/^RUN npm ci --omit=dev/m);
    expect(runtime.body).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime.body).toMatch(/^USER node$/m);
  });

  it("copies into the runtime only paths that exist, and runs a file that is there", () => {
    const copied = [...runtime.body.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(" "));
    for (const path of copied) expect(existsSync(path), path).toBe(true);
    const cmd = JSON.parse(/^CMD (.+)$/m.exec(runtime.body)![1]) as string[];
    expect(cmd.slice(0, 3)).toEqual(["node", "--import", "tsx"]);
    expect(existsSync(cmd[3])).toBe(true);
    // tsx runs at start: it must be a production dependency.
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    for (const name of ["tsx", "prisma", "@prisma/client", "@prisma/adapter-pg"]) expect(pkg.dependencies, name).toHaveProperty(name);
  });

  it("keeps local secrets and state out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const entry of [".env", ".env.*", ".data", "node_modules", ".git"]) expect(ignored).toContain(entry);
  });
});

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 16 and Redis 7 with noeviction and AOF", () => {
    expect(compose.services.postgres.image).toBe("postgres:16");
    expect(compose.services.redis.image).toBe("redis:7");
    const redis = compose.services.redis.command!.join(" ");
    expect(redis).toContain("--maxmemory-policy noeviction");
    expect(redis).toContain("--appendonly yes");
  });

  it("runs migrate, web and workers from the one image, each command a file that exists", () => {
    const commands = Object.fromEntries(appServices.map((name) => [name, compose.services[name].command!]));
    expect(commands).toEqual({
      migrate: ["node", "--import", "tsx", "scripts/migrate.ts"],
      web: ["node", "--import", "tsx", "server/web.ts"],
      workers: ["node", "--import", "tsx", "workers/index.ts"],
    });
    for (const name of appServices) {
      expect(compose.services[name].build).toBe(".");
      expect(existsSync(compose.services[name].command![3])).toBe(true);
      expect(compose.services[name].environment).toMatchObject({ NODE_ENV: "production", REDIS_URL: "redis://redis:6379" });
    }
    for (const name of ["web", "workers"]) {
      expect(compose.services[name].depends_on).toMatchObject({ migrate: { condition: "service_completed_successfully" } });
    }
    expect(compose.services.web.environment).toMatchObject({ READYZ_REQUIRE_WORKERS: "1" });
  });

  it("holds no secret: the database password comes from .env", () => {
    expect(compose.services.postgres.environment!.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(readFileSync("docker-compose.yml", "utf8")).not.toMatch(/(SECRET|TOKEN|ENCRYPTION_KEY)\s*:/);
  });
});

describe("docs/deploy.md", () => {
  it("names every configuration variable", async () => {
    const { describeVariables } = await import("~/config/env.server");
    const doc = readFileSync("docs/deploy.md", "utf8");
    const missing = describeVariables()
      .map((variable) => variable.name)
      .filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe("docs/deploy.md metrics table", () => {
  it("lists every series Rappit defines", async () => {
    const { metrics } = await import("~/metrics/metrics.server");
    const doc = readFileSync("docs/deploy.md", "utf8");
    const defined = (await metrics().registry.getMetricsAsJSON())
      .map((metric) => metric.name)
      .filter((name) => !/^rappit_(process|nodejs)_/.test(name));
    expect(defined.length).toBeGreaterThan(10);
    expect(defined.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});
