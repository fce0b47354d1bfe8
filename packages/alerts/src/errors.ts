import { BadInputError } from '@retain/warehouse';

/** A rule, setting or report request refused; `field` names what to fix (the CLI exits 2). */
export class AlertInputError extends BadInputError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
