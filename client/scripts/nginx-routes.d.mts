export function patternRegex(pattern: string): string;
export function renderNginxRoutes(patterns: readonly string[]): string;
