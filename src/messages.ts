// Human-readable messages. The first group is the original service's wording, kept character for
// character because existing scripts match on it (api-contract.md); the rest are Phoenix's own.
export const messages = {
  keyIssued: 'Congrats! Your API Key has been created!',
  usernameMissing: 'Oops! You forgot to add a username after! Please specify a username and try again!',
  usernameTaken: 'The username you are trying to register has been already used!',
  notAuthenticated: 'You are not authenticated! Please add an authentication key to the header and try again!',
  created: 'Your entry has successfully been added to the database!',
  emptyRecord: 'Please populate atleast one field into the record and try again!',
  found: 'Record found!',
  modified: 'Your record has successfully been modified!',
  removed: 'Your record has been removed!',
  idMissing: 'Oops! You forgot to add a number after! Please specify a number and try again!',
  recordNotFound: 'The record does not exist! Please try a different record number!',

  // The contract's v2 key lifecycle, exact as well.
  keyRotated: 'Your API Key has been rotated! The old key no longer works.',
  keyRevoked: 'Your API Key has been revoked!',
  // … and its conditional writes and history.
  preconditionFailed: 'The record has been changed since you read it! Please read it again and try again!',
  historyFound: 'History found!',
  feedBusy: 'Too many clients are following the change feed right now! Please try again in a few seconds.',
  idempotencyMismatch: 'This Idempotency-Key has already been used with a different request!',
  idempotencyInFlight: 'A request with this Idempotency-Key is still being processed! Please try again later!',
  // The contract's v2 bulk create, exact as well.
  bulkCreated: 'Your entries have successfully been added to the database!',

  usernameInvalid: "The username is invalid! Please use 1 to 64 letters, digits, '_', '-' or '.' and try again!",
  idInvalid: 'The record number is invalid! Please specify a positive whole number and try again!',
  bodyInvalid: 'The request body is invalid! Please fix the fields listed in errors and try again!',
  queryInvalid: 'The query is invalid! Please fix the parameters listed in errors and try again!',
  headersInvalid: 'The request headers are invalid! Please fix the headers listed in errors and try again!',
  bodyNotJson: 'The request body is not valid JSON! Please check its syntax and try again!',
  bodyTooLarge: (limit: number) => `The request body is too large! Please send at most ${limit} bytes and try again!`,
  unsupportedMediaType: 'Please set the Content-Type header to application/json and try again!',
  badRequest: 'The request is malformed! Please check it and try again!',
  hostMissing: 'The Host header is missing! Please add it and try again.',
  badUrl: 'The URL is malformed! Please check its %-escapes and try again!',
  headersTooLarge: 'The request headers are too large! Please send less than 16 KB of headers and try again!',
  requestTimeout: 'The request took too long to arrive! Please send it again.',
  routeNotFound: 'This route does not exist! See /docs for the routes of this API.',
  deleteRoute: (id: string) => `This route does not exist! To remove a record, send a DELETE request to /api/remove/${id} instead.`,
  methodNotAllowed: (method: string, allowed: string[]) =>
    `The method ${method} is not allowed on this route! Please use ${allowed.join(' or ')} instead.`,
  shuttingDown: 'The service is restarting! Please try again in a few seconds!',
  databaseUnavailable: 'The database is temporarily unavailable! Please try again in a few seconds!',
  crossSiteRefused: 'A page on another site cannot issue a key it cannot read! Please call this API from a script (fetch) instead of a form, link or image.',
  tooManyRequests: 'Too many requests! Please slow down and try again later!',
  listsBusy: 'Too many full lists are being sent right now! Please try again in a few seconds, or ask for pages with limit.',
  internal: 'Something went wrong on our side! Please try again later.'
} as const
