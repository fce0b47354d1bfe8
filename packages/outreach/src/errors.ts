import { BadInputError } from '@retain/warehouse';

/** There are no churn scores to rank by yet (the CLI exits 2, the API answers BAD_REQUEST). */
export class NoScoresError extends BadInputError {
  constructor() {
    super(
      'No churn scores yet: run `retain train` and then `retain score` (or start `retain serve`, which trains a first model).',
    );
  }
}

/** An outcome was recorded for a customer the warehouse does not know. */
export class UnknownCustomerError extends BadInputError {
  constructor(readonly customerId: string) {
    super(`No customer ${customerId} in the warehouse.`);
  }
}

/** A saved list id that is not in the warehouse. */
export class UnknownListError extends BadInputError {
  constructor(readonly listId: string) {
    super(`No saved call list ${listId}.`);
  }
}
