// The instance's one reader of the change feed (feed.ts): the routes that change records announce
// their changes to it, and GET /api/changes follows it.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ChangeFeed } from '../feed.js'

declare module 'fastify' {
  interface FastifyInstance {
    changeFeed: ChangeFeed
  }
}

async function changeFeed (app: FastifyInstance): Promise<void> {
  const feed = new ChangeFeed(app)
  app.decorate('changeFeed', feed)
  app.addHook('onClose', async () => { feed.close() })
}

export default fp(changeFeed, { name: 'change-feed', dependencies: ['database'] })
