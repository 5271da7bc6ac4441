import pino, { type Logger } from "pino";

/**
 * JSON logs. Credentials are redacted at the logger so no code path can print one by accident: the
 * Authorization header, and any field named token.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "ledgerflow" },
      redact: {
        paths: [
          "token",
          "*.token",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "req.headers.authorization",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
