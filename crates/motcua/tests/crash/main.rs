//! Durability: `kill -9` of the real server in the middle of a burst of concurrent writes,
//! then a restart on the same database. Every write that was acknowledged (201) must be
//! there, and the database must open clean.
//!
//! Runs on the backend named by `MOTCUA_TEST_BACKEND` (SQLite with its default
//! `synchronous=full`, or a new schema in PostgreSQL).

#[path = "../common/binary.rs"]
mod binary;

mod burst;
mod other_process;
