export declare const FUSE_SENTINEL: string;
export declare function fuseWireFile(binaryPath: string): string;
export declare function hasFuseSentinel(file: string): boolean;
export declare function fusePlan(input: { hasSentinel: boolean; customElectronDist: boolean }): 'flip' | 'skip';
export declare function nativeModuleAbi(bytes: Buffer): number | undefined;
export interface NativeModule {
  path: string;
  abi: number | undefined;
}
export declare function nativeModulesIn(dir: string): NativeModule[];
export declare function abiMismatches(modules: NativeModule[], electronAbi: number): NativeModule[];
