import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'sdk/dist/**', 'generated/**', 'sdk/src/openapi.ts', '.generated/**', 'coverage/**', '.data/**'] })
]
