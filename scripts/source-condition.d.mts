export declare const SOURCE_CONDITION: "@ledgerflow/source";
export declare function withSourceCondition(nodeOptions?: string): string;
export declare function withoutSourceCondition(nodeOptions?: string): string;
export declare function sourceResolve(): {
  resolve: { conditions: string[] };
  ssr: { resolve: { conditions: string[] } };
};
export declare function viteSourceResolve(): { resolve: { conditions: string[] } };
