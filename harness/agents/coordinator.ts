// The coordinator: a small HTTP server on the machine that runs the harness. Agents fetch their
// share of the load from it, fix their clocks against it, are released together, report progress
// (which is also their heartbeat) and upload their records. It never measures anything itself:
// it only hands out, holds and takes back.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowNs } from '../clock.ts';
import { decodeUpload, type FailedBody, type GoAnswer, type Hello, type ProgressBody, type ReadyBody, type UploadHeader, type Welcome } from './messages.ts';

export interface AgentState {
  agent: number;
  task: string;
  host: string;
  requests: number;
  failed: number;
  lastHeardNs: bigint;
  ready: boolean;
  /** why it is lost, if it is: no upload will come from it */
  lostWhy?: string;
  upload?: { header: UploadHeader; records: Buffer };
}

export interface CoordinatorOptions {
  agents: number;
  /** host:port to listen on (port 0: any free one) */
  listen: string;
  /** agent k's share of the load (k from 1) */
  loadFor(agent: number): Welcome['load'];
  exchanges?: number;
}

/** How long an agent may stay silent mid-run before it counts as lost. */
const SILENT_MS = 5000;

export const agentName = (a: Pick<AgentState, 'agent' | 'task'>) => `agent ${a.agent} (task ${a.task})`;

export class Coordinator {
  readonly agents: AgentState[] = [];
  /** the load origin on this machine's clock, set when the agents are released */
  originNs: bigint | null = null;
  /** resolves with the first agent failure; never rejects */
  readonly failure: Promise<string>;
  private fail!: (reason: string) => void;
  /** the first agent failure, if any */
  failedWith: string | null = null;
  private stopping = false;
  private held: ServerResponse[] = [];
  private readyCount = 0;
  private allReady!: () => void;
  private readonly ready = new Promise<void>((r) => (this.allReady = r));
  private allSettled!: () => void;
  /** every agent has uploaded or is lost */
  private readonly settled = new Promise<void>((r) => (this.allSettled = r));
  private watchdog: NodeJS.Timeout | undefined;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly options: CoordinatorOptions) {
    this.failure = new Promise((r) => (this.fail = r));
    this.server.requestTimeout = 0; // /ready is held until every agent is ready
  }

  async listen(): Promise<string> {
    const colon = this.options.listen.lastIndexOf(':');
    const host = this.options.listen.slice(0, colon);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(Number(this.options.listen.slice(colon + 1)), host, resolve);
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  }

  /**
   * An agent is lost (the scheduler says so, it fell silent, it failed): the run fails with this
   * reason (the first one), and the others are told to stop and upload what they measured.
   */
  lost(reason: string, agent?: AgentState): void {
    if (agent) agent.lostWhy ??= reason;
    this.checkSettled();
    if (this.failedWith) return;
    this.failedWith = reason;
    this.fail(reason);
    for (const res of this.held.splice(0)) json(res, { go: false, reason } satisfies GoAnswer);
  }

  private checkSettled(): void {
    if (this.agents.length === this.options.agents && this.agents.every((a) => a.upload || a.lostWhy)) this.allSettled();
  }

  /** Waits until every agent is ready, then releases them together; returns the origin. */
  async release(timeoutMs: number, signal?: AbortSignal): Promise<bigint> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(this.missing('never became ready', timeoutMs))), timeoutMs);
      signal?.addEventListener('abort', () => reject(new Error('stopped before the agents were ready')), { once: true });
    });
    const failed = this.failure.then((reason) => Promise.reject(new Error(reason)));
    try {
      await Promise.race([this.ready, late, failed]);
    } catch (err) {
      this.lost((err as Error).message);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.originNs = nowNs();
    for (const res of this.held.splice(0)) json(res, { go: true } satisfies GoAnswer);
    for (const a of this.agents) a.lastHeardNs = this.originNs;
    // Until the stop: after it, an agent is silent while its requests end (collect's limit holds then).
    this.watchdog = setInterval(() => {
      if (this.stopping) return;
      const silent = this.agents.find((a) => !a.upload && !a.lostWhy && Number(nowNs() - a.lastHeardNs) / 1e6 > SILENT_MS);
      if (silent) this.lost(`${agentName(silent)} fell silent for ${SILENT_MS / 1000} s and never uploaded records`, silent);
    }, 500);
    return this.originNs;
  }

  /** every agent's progress, summed (a LoadProgress) */
  get requests(): number {
    return this.agents.reduce((n, a) => n + a.requests, 0);
  }

  get failed(): number {
    return this.agents.reduce((n, a) => n + a.failed, 0);
  }

  /** Tells every agent to stop, and waits for every upload from those not lost (or the time limit). */
  async collect(timeoutMs: number): Promise<AgentState[]> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([this.settled, late]);
    clearTimeout(timer);
    clearInterval(this.watchdog);
    if (this.agents.some((a) => !a.upload && !a.lostWhy)) this.lost(this.missing('never uploaded records', timeoutMs));
    return this.agents;
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    for (const res of this.held.splice(0)) json(res, { go: false, reason: 'the coordinator stopped' } satisfies GoAnswer);
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private missing(what: string, timeoutMs: number): string {
    const k = this.options.agents;
    const named = this.agents.filter((a) => (what === 'never uploaded records' ? !a.upload && !a.lostWhy : !a.ready)).map(agentName);
    const absent = k - this.agents.length;
    return [...named, ...(absent > 0 ? [`${absent} of ${k} agents (never started: no hello)`] : [])].join(', ') + ` ${what} within ${timeoutMs / 1000} s`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://coordinator');
    if (url.pathname === '/clock') {
      // Stamped first thing: the exchange's round trip bounds the error, whatever follows.
      const at = nowNs();
      req.resume();
      res.end(String(at));
      return;
    }
    const body = await readBody(req);
    try {
      if (url.pathname === '/hello') return this.hello(JSON.parse(body.toString()) as Hello, res);
      if (url.pathname === '/ready') return this.readyFrom(JSON.parse(body.toString()) as ReadyBody, res);
      if (url.pathname === '/progress') return this.progressFrom(JSON.parse(body.toString()) as ProgressBody, res);
      if (url.pathname === '/records') return this.upload(Number(url.searchParams.get('agent')), body, res);
      if (url.pathname === '/failed') {
        const { agent, error } = JSON.parse(body.toString()) as FailedBody;
        const a = this.agentOf(agent);
        this.lost(`${agentName(a)} failed: ${error}`, a);
        return json(res, {});
      }
      res.writeHead(404).end('no such endpoint');
    } catch (err) {
      res.writeHead(400).end((err as Error).message);
    }
  }

  private agentOf(agent: number): AgentState {
    const a = this.agents[agent - 1];
    if (!a) throw new Error(`no agent ${agent}`);
    a.lastHeardNs = nowNs();
    return a;
  }

  private hello(hello: Hello, res: ServerResponse): void {
    if (this.agents.length >= this.options.agents || this.originNs !== null) {
      res.writeHead(409).end(`this run has its ${this.options.agents} agents already`);
      return;
    }
    const agent = this.agents.length + 1;
    this.agents.push({ agent, task: String(hello.task), host: String(hello.host), requests: 0, failed: 0, lastHeardNs: nowNs(), ready: false });
    json(res, { agent, agents: this.options.agents, load: this.options.loadFor(agent), exchanges: this.options.exchanges ?? 20 } satisfies Welcome);
  }

  private readyFrom(body: ReadyBody, res: ServerResponse): void {
    this.agentOf(body.agent).ready = true;
    if (this.failedWith) return json(res, { go: false, reason: this.failedWith } satisfies GoAnswer);
    this.held.push(res);
    if (++this.readyCount === this.options.agents) this.allReady();
  }

  private progressFrom(body: ProgressBody, res: ServerResponse): void {
    const a = this.agentOf(body.agent);
    a.requests = body.requests;
    a.failed = body.failed;
    json(res, { stop: this.stopping || this.failedWith !== null });
  }

  private upload(agent: number, body: Buffer, res: ServerResponse): void {
    const a = this.agentOf(agent);
    a.upload = decodeUpload(body);
    if (a.upload.header.error) this.lost(`${agentName(a)}: ${a.upload.header.error}`);
    json(res, {});
    this.checkSettled();
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}
