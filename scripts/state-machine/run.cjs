#!/usr/bin/env node
// Runs the real state machine definition under aws-local-stepfunctions, with every Task sent to the
// published EtlFunction binary under @vercel/fun (a real Lambda Runtime API), one function instance per
// template function, started as `bootstrap` with _HANDLER from the function's ImageConfig.Command.
//
//   node run.cjs --dir PUBLISH_DIR [--template template.yaml] [--asl statemachine/etl.asl.json]
//                [--env K=V]... [--transient-once STATE[:before|:after]]... [--kill-once STATE:MS]...
//                [--retry-ms N]
//                [--execution-name NAME] [--out FILE]   < event.json
//
// The functions get the driver's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION the way Lambda
// passes a role's credentials (@vercel/fun refuses them as --env: they are reserved in Lambda).
//
// stdin: the execution input (an EventBridge "Object Created" event). The result goes to --out (or
// stdout; the functions' own log lines go to stderr either way):
//   {"status":"SUCCEEDED"|"FAILED", "output", "error", "cause", "states":[names entered, in order],
//    "retries":[{"state","attempt"}], "failures":[{"state","error"}] (every error a Task call raised),
//    "kills":[{"state","afterMs","pid"|null}] (pid null: the call ended before the kill was due),
//    "invocations":{"<State>": n}, "callMs":{"<State>": [ms of each call]}, "functions":{"<State>": {"logicalId","handler"}}, "ms"}
//
// Lambda semantics kept: a FunctionError from the function becomes an error whose name is the payload's
// errorType and whose cause is the error payload as a JSON string (what Step Functions reports for
// lambda:invoke), so Retry and Catch match as they do in AWS. --transient-once makes the named state's
// first call fail with a synthetic TransientError, before the function runs (`before`, the default) or
// after it has run and committed its work (`after`: a lost response), to exercise Retry. --kill-once sends
// SIGKILL to the process running the named state's first call MS ms after the call started (a crash, an
// out-of-memory kill); the call then fails as Lambda reports a runtime that died mid-invoke:
// errorType Runtime.ExitError, and the next call starts a fresh process.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node >= 22); without it every Task fails on Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve; let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = require('aws-local-stepfunctions');
const { createFunction } = require('@vercel/fun');
const { loadTemplate } = require('./cfn-yaml.cjs');

const root = path.resolve(__dirname, '..', '..');
const region = 'us-east-1';
const account = '123456789012';

function parseArgs(argv) {
  const opts = {
    template: path.join(root, 'template.yaml'),
    asl: path.join(root, 'statemachine', 'etl.asl.json'),
    env: {},
    transient: {},
    kill: {},
    retryMs: 0,
    executionName: crypto.randomUUID(),
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    switch (name) {
      case '--dir': opts.dir = path.resolve(value); break;
      case '--template': opts.template = path.resolve(value); break;
      case '--asl': opts.asl = path.resolve(value); break;
      case '--out': opts.out = value; break;
      case '--retry-ms': opts.retryMs = Number(value); break;
      case '--execution-name': opts.executionName = value; break;
      case '--env': {
        const eq = value.indexOf('=');
        if (eq <= 0) throw new Error(`--env expects K=V, got ${value}`);
        opts.env[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      case '--transient-once': {
        const [state, when = 'before'] = value.split(':');
        if (!['before', 'after'].includes(when)) throw new Error(`--transient-once ${value}: expected STATE[:before|:after]`);
        opts.transient[state] = when;
        break;
      }
      case '--kill-once': {
        const [state, ms] = value.split(':');
        if (!state || !/^\d+$/.test(ms ?? '')) throw new Error(`--kill-once ${value}: expected STATE:MS`);
        opts.kill[state] = Number(ms);
        break;
      }
      default: throw new Error(`unknown option ${name}`);
    }
  }
  if (!opts.dir) throw new Error('--dir PUBLISH_DIR is required');
  if (!fs.existsSync(path.join(opts.dir, 'bootstrap'))) throw new Error(`no bootstrap in ${opts.dir}`);
  return opts;
}

/** Every Task state in the definition, Parallel branches and Map iterators included. */
function taskStates(states, out = []) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') out.push([name, state]);
    for (const branch of state.Branches ?? []) taskStates(branch.States, out);
    const iterator = state.ItemProcessor ?? state.Iterator;
    if (iterator) taskStates(iterator.States, out);
  }
  return out;
}

/**
 * The template's view of the definition: the state machine resource whose DefinitionUri is the ASL,
 * its substitutions, and for each Task state the function (logical id) and handler it invokes.
 */
function resolveFunctions(template, aslText, aslPath) {
  const resources = template.Resources ?? {};
  const rel = path.relative(root, aslPath).split(path.sep).join('/');
  const machine = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Serverless::StateMachine' && r.Properties?.DefinitionUri === rel);
  if (!machine) throw new Error(`no AWS::Serverless::StateMachine with DefinitionUri ${rel} in the template`);
  const substitutions = machine[1].Properties.DefinitionSubstitutions ?? {};
  const arns = {};
  const logicalIdOf = {};
  for (const [key, value] of Object.entries(substitutions)) {
    const target = value?.['Fn::GetAtt']?.[0] ?? value?.Ref;
    if (!target || !resources[target]) throw new Error(`DefinitionSubstitutions.${key} does not name a resource of the template`);
    arns[key] = `arn:aws:lambda:${region}:${account}:function:${target}`;
    logicalIdOf[arns[key]] = target;
  }
  const definition = JSON.parse(aslText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, key) => {
    if (!(key in arns)) throw new Error(`the definition uses \${${key}} but the template has no DefinitionSubstitutions entry for it`);
    return arns[key];
  }));
  const globals = template.Globals?.Function ?? {};
  const functions = {};
  for (const [state, def] of taskStates(definition.States)) {
    const arn = def.Parameters?.FunctionName ?? def.Resource;
    const logicalId = logicalIdOf[arn];
    if (!logicalId) throw new Error(`state ${state} invokes ${arn}, which is not a function of the template`);
    const props = resources[logicalId].Properties ?? {};
    const command = (props.ImageConfig ?? globals.ImageConfig)?.Command;
    if (!Array.isArray(command) || typeof command[0] !== 'string') throw new Error(`${logicalId} has no ImageConfig.Command`);
    functions[state] = { logicalId, handler: command[0] };
  }
  return { definition, functions, machineName: machine[0] };
}

/** The error a failed lambda:invoke raises in Step Functions: name = errorType, cause = the error payload. */
function functionError(payload) {
  let type = 'Lambda.Unknown';
  try {
    const parsed = JSON.parse(payload);
    type = parsed.errorType || type;
    // @vercel/fun reports a process that died mid-invoke without an errorType; Lambda calls it Runtime.ExitError.
    if (!parsed.errorType && /Process exited before completing request/.test(parsed.errorMessage ?? '')) {
      type = 'Runtime.ExitError';
      payload = JSON.stringify({ errorType: type, errorMessage: `${parsed.errorMessage}: the runtime exited` });
    }
  } catch {
    // not JSON: keep Lambda.Unknown
  }
  const err = new Error(payload);
  err.name = type;
  return err;
}

/**
 * The running (not SIGSTOPped between invokes) processes @vercel/fun started for the function: direct children
 * of this driver whose environment names it.
 */
function runningProcessesOf(logicalId) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'T' || state === 'Z') continue;
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`AWS_LAMBDA_FUNCTION_NAME=${logicalId}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Invokes, and when <afterMs> is given SIGKILLs the function's running process that long after the call began. */
async function invokeWithKill(instance, logicalId, payload, afterMs, kills, state) {
  const call = instance.invoke({ InvocationType: 'RequestResponse', Payload: payload });
  if (afterMs === undefined) return call;
  const kill = { state, afterMs, pid: null };
  kills.push(kill);
  // Due: kill the process the call runs in; a cold call may not have started it yet, so look again shortly.
  let timer;
  const attempt = () => {
    const [pid] = runningProcessesOf(logicalId);
    if (pid === undefined) {
      timer = setTimeout(attempt, 10);
      return;
    }
    kill.pid = pid;
    process.kill(pid, 'SIGKILL');
  };
  timer = setTimeout(attempt, afterMs);
  try {
    return await call;
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const template = loadTemplate(opts.template);
  const { definition, functions, machineName } = resolveFunctions(template, fs.readFileSync(opts.asl, 'utf8'), opts.asl);

  // One instance per function (as Lambda would keep one warm per concurrent caller).
  const instances = {};
  for (const { logicalId, handler } of Object.values(functions)) {
    if (instances[logicalId]) continue;
    instances[logicalId] = await createFunction({
      Code: { Directory: opts.dir },
      Handler: handler,
      Runtime: 'provided',
      FunctionName: logicalId,
      MemorySize: 1024,
      Timeout: 900,
      // Lambda injects the role's credentials and the region itself (they are reserved variables):
      // the driver's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION play that role here.
      AccessKeyId: process.env.AWS_ACCESS_KEY_ID,
      SecretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      Region: process.env.AWS_REGION || region,
      Environment: { Variables: { ...opts.env } },
    });
  }

  const invocations = {};
  const failures = [];
  const kills = [];
  const callMs = {};
  const handlers = {};
  for (const [state, { logicalId }] of Object.entries(functions)) {
    const transient = opts.transient[state];
    handlers[state] = async (params) => {
      const call = (invocations[state] = (invocations[state] ?? 0) + 1);
      const synthetic = () => {
        const err = new Error(`synthetic TransientError injected by run.cjs on the first call of ${state}`);
        err.name = 'TransientError';
        return err;
      };
      const fail = (err) => {
        failures.push({ state, error: err.name });
        return err;
      };
      if (transient === 'before' && call === 1) throw fail(synthetic());
      const killAfter = call === 1 ? opts.kill[state] : undefined;
      const began = Date.now();
      const res = await invokeWithKill(instances[logicalId], logicalId, JSON.stringify(params.Payload), killAfter, kills, state);
      (callMs[state] ??= []).push(Date.now() - began);
      const payload = String(res.Payload);
      if (res.FunctionError) throw fail(functionError(payload));
      if (transient === 'after' && call === 1) throw fail(synthetic());
      return { StatusCode: res.StatusCode, ExecutedVersion: '$LATEST', Payload: JSON.parse(payload) };
    };
  }

  const retryIntervalOverrides = {};
  for (const state of Object.keys(functions)) retryIntervalOverrides[state] = opts.retryMs;

  const started = Date.now();
  const sm = new StateMachine(definition);
  const execution = sm.run(input, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    // The default Context Object has no Execution.Name (the definition passes it to Quarantine).
    context: {
      Execution: {
        Id: `arn:aws:states:${region}:${account}:execution:${machineName}:${opts.executionName}`,
        Input: input,
        Name: opts.executionName,
        RoleArn: `arn:aws:iam::${account}:role/${machineName}Role`,
        StartTime: new Date(started).toISOString(),
      },
      StateMachine: { Id: `arn:aws:states:${region}:${account}:stateMachine:${machineName}`, Name: machineName },
    },
  });

  const states = [];
  const retries = [];
  const logging = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') states.push(event.state.name);
      if (event.type === 'StateRetried') retries.push({ state: event.state.name, attempt: event.retry.attempt });
    }
  })();

  const result = { executionName: opts.executionName, functions, invocations };
  try {
    result.output = await execution.result;
    result.status = 'SUCCEEDED';
  } catch (err) {
    result.status = 'FAILED';
    // ExecutionError wraps what ended the run; a Fail state's error/cause come from ErrorPath/CausePath.
    const inner = err.cause instanceof Error ? err.cause : err;
    result.error = inner.name;
    result.cause = typeof inner.cause === 'string' ? inner.cause : inner.message;
  } finally {
    await logging.catch(() => {});
    for (const fn of Object.values(instances)) await fn.destroy();
  }
  result.states = states;
  result.retries = retries;
  result.failures = failures;
  result.kills = kills;
  result.callMs = callMs;
  result.ms = Date.now() - started;

  const json = JSON.stringify(result);
  if (opts.out) fs.writeFileSync(opts.out, json);
  else process.stdout.write(json + '\n');
  process.stderr.write(`run.cjs: ${result.status} in ${result.ms} ms: ${states.join(' -> ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`run.cjs: ${err.stack || err}\n`);
  process.exit(1);
});
