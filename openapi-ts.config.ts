// The second, independent client generator (@hey-api/openapi-ts and its fetch client), run by
// `npm run generate:client2` and by test/second-generator.test.ts. Its output is not committed:
// the test generates it afresh from openapi.yaml on every run.
import { defineConfig } from '@hey-api/openapi-ts'

export default defineConfig({
  input: 'openapi.yaml',
  output: { path: '.generated/hey-api', module: { extension: '.js' } },
  plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
  logs: { file: false }
})
