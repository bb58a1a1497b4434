export declare const webDir: string;
export declare const webDist: string;
export declare function webBuildIsStale(): boolean;
export declare function buildWeb(options?: { stdio?: 'inherit' | 'pipe' }): void;
export declare function ensureWebBuild(options?: { stdio?: 'inherit' | 'pipe' }): boolean;
