// A counting semaphore whose waits are bounded: at most `max` holders, and a caller that cannot
// enter within its wait is told so instead of queueing for good.
export class Gate {
  private holders = 0
  private readonly waiting: Array<() => void> = []

  constructor (private readonly max: number) {}

  /**
   * True once entered (call leave() exactly once then), false after `waitMs` without room: at
   * once (no promise) when there is room.
   */
  enter (waitMs: number): true | Promise<boolean> {
    if (this.holders < this.max) {
      this.holders += 1
      return true
    }
    return new Promise<boolean>((resolve) => {
      const admit = (): void => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1)
        resolve(false)
      }, waitMs)
      this.waiting.push(admit)
    })
  }

  leave (): void {
    const next = this.waiting.shift()
    // The place passes straight to the next in line, so the count does not change.
    if (next !== undefined) next()
    else this.holders -= 1
  }
}
