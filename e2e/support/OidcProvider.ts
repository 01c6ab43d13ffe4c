// The provider moved to the demo server (`npm start` runs it too); the specs keep importing it from here.
export * from '../../demo/server/OidcProvider.ts'
