// The part of electron-builder's AfterPackContext the hook reads.
export interface AfterPackContext {
  electronPlatformName: string;
  appOutDir: string;
  packager: {
    appInfo: { productFilename: string };
    executableName?: string;
    config: { electronVersion?: string | null; electronDist?: unknown };
    getResourcesDir(appOutDir: string): string;
  };
}
export default function afterPack(context: AfterPackContext): Promise<void>;
