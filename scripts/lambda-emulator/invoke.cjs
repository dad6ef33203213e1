#!/usr/bin/env node
// Invokes the published EtlFunction under @vercel/fun: a real Lambda Runtime API server that starts
// <dir>/bootstrap with AWS_LAMBDA_RUNTIME_API set, exactly as Lambda starts a custom runtime.
//
//   node invoke.cjs --dir PUBLISH_DIR --handler preprocess [--env K=V]... --event JSON [--event JSON]... [--out FILE]
//
// PUBLISH_DIR is any folder with a `bootstrap`: the published binary's, or one made by
// `scripts/lambda-emulator.sh container-dir` that runs the container image instead. The function gets the
// driver's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION the way Lambda passes a role's
// credentials (@vercel/fun refuses them as --env: they are reserved in Lambda), as run.cjs does.
//
// The events go to ONE function instance in order: the first invocation is the cold start (process
// start to first response), the later ones are warm. The results (status, FunctionError, payload,
// milliseconds, and endedAtMs: the wall-clock time of the answer, Unix epoch ms) are written as a JSON
// array to --out, or to stdout. The bootstrap's own stdout (its JSON log lines) is inherited, so with
// --out the caller sees the function's logs on stdout.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createFunction } = require('@vercel/fun');

function parseArgs(argv) {
  const opts = { env: {}, events: [] };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    switch (name) {
      case '--dir': opts.dir = path.resolve(value); break;
      case '--handler': opts.handler = value; break;
      case '--event': opts.events.push(value); break;
      case '--out': opts.out = value; break;
      case '--env': {
        const eq = value.indexOf('=');
        if (eq <= 0) throw new Error(`--env expects K=V, got ${value}`);
        opts.env[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      default: throw new Error(`unknown option ${name}`);
    }
  }
  if (!opts.dir || !opts.handler || opts.events.length === 0) {
    throw new Error('usage: invoke.cjs --dir DIR --handler NAME [--env K=V]... --event JSON [--event JSON]... [--out FILE]');
  }
  if (!fs.existsSync(path.join(opts.dir, 'bootstrap'))) throw new Error(`no bootstrap in ${opts.dir}`);
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const fn = await createFunction({
    Code: { Directory: opts.dir },
    Handler: opts.handler,
    Runtime: 'provided',
    FunctionName: `etl-${opts.handler}`,
    MemorySize: 1024,
    Timeout: 900,
    AccessKeyId: process.env.AWS_ACCESS_KEY_ID,
    SecretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    Region: process.env.AWS_REGION,
    Environment: { Variables: opts.env },
  });
  const results = [];
  try {
    for (const [index, event] of opts.events.entries()) {
      const started = process.hrtime.bigint();
      const res = await fn.invoke({ InvocationType: 'RequestResponse', Payload: event });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const endedAtMs = performance.timeOrigin + performance.now();
      results.push({
        index,
        ms: Math.round(ms * 1000) / 1000,
        endedAtMs: Math.round(endedAtMs * 1000) / 1000,
        statusCode: res.StatusCode,
        functionError: res.FunctionError ?? null,
        payload: String(res.Payload),
      });
      // An Unhandled error (init error, crash) removed the instance: later events would start a new one.
      if (res.FunctionError === 'Unhandled') break;
    }
  } finally {
    await fn.destroy();
  }
  const json = JSON.stringify(results);
  if (opts.out) fs.writeFileSync(opts.out, json);
  else process.stdout.write(json + '\n');
  for (const r of results) {
    process.stderr.write(`invoke #${r.index} ${opts.handler}: ${r.ms} ms${r.functionError ? ` (${r.functionError})` : ''}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`invoke.cjs: ${err.stack || err}\n`);
  process.exit(1);
});
