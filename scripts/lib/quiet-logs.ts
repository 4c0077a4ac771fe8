// Imported first by command-line tools whose output is the product (the doctor's lines,
// its --json): application logs then show only warnings, or nothing with --json, unless
// LOG_LEVEL is set. Modules read LOG_LEVEL when they load, hence a module of its own.
if (!process.env.LOG_LEVEL) process.env.LOG_LEVEL = process.argv.includes("--json") ? "silent" : "warn";
