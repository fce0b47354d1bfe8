import { BadInputError } from '@retain/warehouse';

/**
 * There are no churn scores to rank by yet: a state of the warehouse, which each front end words
 * with what its users can do about it (the CLI exits 2 naming the commands that make scores).
 */
export class NoScoresError extends BadInputError {
  readonly noScores = true;
  constructor() {
    super('No churn scores yet: the list appears once a churn model has been trained on this data.');
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
