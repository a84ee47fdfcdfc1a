export declare const ELECTRON_HEADERS_URL: string;
export declare function nativeRebuildEnv(env: NodeJS.ProcessEnv, electronVersion: string): Record<string, string>;
