/**
 * Types for the parts of xmpp.js 0.14 the engine composes (the packages ship none).
 * Only what we call is declared; see connection.ts for how they are wired.
 */

declare module '@xmpp/xml' {
  import type { EventEmitter } from 'node:events';

  export type Attrs = Record<string, string | number | undefined>;
  export type Node = Element | string;

  export class Element {
    constructor(name: string, attrs?: Attrs);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Node[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    text(): string;
    getChildText(name: string, xmlns?: string): string | null;
    append(...nodes: Node[]): Element;
    c(name: string, attrs?: Attrs): Element;
    t(text: string): Element;
    up(): Element;
    root(): Element;
    remove(el: Element | string, xmlns?: string): Element;
    toString(): string;
  }

  export class Parser extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
  }

  type Child = Node | undefined | null | false | readonly Child[];
  export function xml(name: string, attrs?: Attrs | null, ...children: Child[]): Element;
  export default xml;
}

declare module '@xmpp/client-core' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';

  export interface ClientOptions {
    service: string;
    domain: string;
    lang?: string;
    timeout?: number;
  }

  /** A transport socket: net.Socket before STARTTLS, @xmpp/tls's wrapper (with .socket) after. */
  export interface TransportSocket extends EventEmitter {
    secure?: boolean;
    socket?: { destroy(): void; getPeerCertificate?(): unknown } | null;
    destroy?(): void;
  }

  export class Client extends EventEmitter {
    constructor(options: ClientOptions);
    options: ClientOptions;
    status: string;
    jid: { toString(): string } | null;
    socket: TransportSocket | null;
    timeout: number;
    isSecure(): boolean;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<Element>;
    restart(): Promise<Element>;
    disconnect(): Promise<void>;
    stop(): Promise<void>;
    send(element: Element): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    _attachSocket(socket: TransportSocket): void;
    _jid(id: string): unknown;
  }
}

declare module '@xmpp/tcp' {
  import type { Client } from '@xmpp/client-core';
  export default function tcp(deps: { entity: Client }): void;
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core';
  import type { Element } from '@xmpp/xml';

  export interface Context {
    stanza: Element;
    entity: Client;
    name: string;
    id: string;
    type: string;
    element?: Element;
  }
  export type Next = () => Promise<unknown>;
  export type Handler = (ctx: Context, next: Next) => unknown;
  export interface Middleware {
    use(fn: Handler): Handler;
    filter(fn: Handler): Handler;
  }
  export default function middleware(deps: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Middleware, Context, Next } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';

  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: Context, next: Next, feature: Element) => unknown): void;
  }
  export default function streamFeatures(deps: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/stream-management' {
  import type { EventEmitter } from 'node:events';
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { StreamFeatures } from '@xmpp/stream-features';

  /** Emits 'ack' (stanza), 'fail' (stanza) and 'resumed'. */
  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    id: string;
    outbound: number;
    inbound: number;
    outbound_q: unknown[];
    timeout: number;
    requestAckInterval: number;
  }
  export default function streamManagement(deps: {
    streamFeatures: StreamFeatures;
    entity: Client;
    middleware: Middleware;
  }): StreamManagement;
}

declare module '@xmpp/resource-binding' {
  import type { StreamFeatures } from '@xmpp/stream-features';
  import type { Element } from '@xmpp/xml';

  export default function resourceBinding(
    deps: { streamFeatures: StreamFeatures; iqCaller: { set(element: Element): Promise<Element> } },
    resource?: string,
  ): void;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Context, Middleware, Next } from '@xmpp/middleware';

  export interface IqCallee {
    get(ns: string, name: string, handler: (ctx: Context, next: Next) => unknown): void;
    set(ns: string, name: string, handler: (ctx: Context, next: Next) => unknown): void;
  }
  export default function iqCallee(deps: { middleware: Middleware; entity: Client }): IqCallee;
}

declare module '@xmpp/starttls/starttls.js' {
  import type { TransportSocket } from '@xmpp/client-core';
  import type { ConnectionOptions } from 'node:tls';

  export function canUpgrade(socket: unknown): boolean;
  export function upgrade(socket: unknown, options: ConnectionOptions): Promise<TransportSocket>;
}
