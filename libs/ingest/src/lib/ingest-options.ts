export interface IngestOptions {
  /** Raw topics consumed. */
  topics: readonly string[];
  deadLetterTopic: string;
}

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
