/** The two databases Hookreach runs on: embedded SQLite, and PostgreSQL for scale-out. */
export type Dialect = 'sqlite' | 'postgres';
