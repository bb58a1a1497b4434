/** Local fakes of the outside APIs the execution service talks to, for tests in other packages. */
export { startAlpacaFake } from './testing/alpaca-fake.js';
export { startPlaidFake } from './testing/plaid-fake.js';
