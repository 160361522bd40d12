/**
 * A value that does not follow a compose syntax (a port, a volume, a shell
 * string...). Thrown by the syntax parsers, which do not know where the value
 * came from; the caller turns it into a located COMPOSE_INVALID error.
 */
export class SyntaxProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyntaxProblem';
  }
}
