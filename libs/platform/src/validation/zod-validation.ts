import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from '@lynx/schema';

export interface IssueDetail {
  path: string;
  code: string;
  message: string;
}

/** Zod issues as `{path: 'lineage.data.0.digest', code, message}`, the `details.issues` of a 400. */
export function zodIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));
}

export function validationError(error: z.ZodError, what = 'request body'): ValidationError {
  const issues = zodIssues(error);
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
  return new ValidationError(`${what} is invalid: ${summary}`, { issues });
}

/** Validates a value against a schema; throws ValidationError (400 validation_failed) with every issue. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what = 'request body'): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw validationError(r.error, what);
  return r.data;
}

/** `@Body(new ZodValidationPipe(schema))` → the parsed, typed value. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request body',
  ) {}
  transform(value: unknown): z.infer<S> {
    return parseBody(this.schema, value, this.what);
  }
}
