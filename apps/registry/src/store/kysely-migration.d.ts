// kysely ships its Migrator under the `kysely/migration` export; the repo's node10 module
// resolution does not read package exports, so point the types at the file behind it.
declare module 'kysely/migration' {
  export * from 'kysely/dist/migration/index';
}
