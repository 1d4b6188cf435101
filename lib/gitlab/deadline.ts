/**
 * A command's overall deadline (`--timeout SECONDS`), shared by every GitLab
 * client the command makes (the token check, the readers, the MR note). Past
 * it no request is sent, a request in flight is cut, and the command says what
 * it did not read. The clock is monotonic and injectable.
 */
export class Deadline {
  private readonly at: number;
  private hit = false;

  constructor(
    /** The limit as the user gave it, for messages. */
    readonly seconds: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.at = clock() + seconds * 1000;
  }

  /** Milliseconds left (0 when past). */
  remainingMs(): number {
    return Math.max(0, this.at - this.clock());
  }

  /** True once something was stopped or not sent because of the deadline. */
  get reached(): boolean {
    return this.hit;
  }

  /** Records that the deadline stopped something; returns the words for it. */
  stop(): string {
    this.hit = true;
    return this.words();
  }

  /** `the --timeout of 300 s was reached`. */
  words(): string {
    return `the --timeout of ${this.seconds} s was reached`;
  }
}
