export function appPathSelectors(patterns: readonly string[]): { selector: string; message: string }[];
