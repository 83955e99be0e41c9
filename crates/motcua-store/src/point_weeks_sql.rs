//! The one implementation of receiving points' work weeks for both backends: the SQL text
//! (`$N` placeholders work in SQLite and PostgreSQL) and [`impl_point_week_store!`], which
//! stamps the method bodies out for a backend, as [`crate::accounts_sql`] does for accounts.
//!
//! A backend invoking the macro provides `fn read_pool(&self) -> &sqlx::Pool<DB>` and
//! `async fn write(&self) -> StoreResult<Transaction<'static, DB>>`; its `Store` methods
//! `receiving_point_weeks`, `receiving_point_week` and `set_receiving_point_week` call the
//! generated `point_weeks`, `point_week` and `set_point_week`.
//!
//! The week is stored as given (JSON of `motcua_calendar::WorkWeek`, which the caller has
//! validated); the store does not read it.

/// `(point code, week JSON)` of an agency's points that have a week of their own.
pub(crate) const SELECT_POINT_WEEKS: &str = "SELECT r.code, r.work_week FROM receiving_points r JOIN agencies a ON a.id = r.agency_id WHERE a.code = $1 AND r.work_week IS NOT NULL ORDER BY r.code";

/// One point's week (NULL: the default); no row when the agency has no such point.
pub(crate) const SELECT_POINT_WEEK: &str = "SELECT r.work_week FROM receiving_points r JOIN agencies a ON a.id = r.agency_id WHERE a.code = $1 AND r.code = $2";

/// Sets (or, with NULL, clears) one point's week; no row changed when there is no such point.
pub(crate) const SET_POINT_WEEK: &str = "UPDATE receiving_points SET work_week = $3 WHERE code = $2 AND agency_id = (SELECT id FROM agencies WHERE code = $1)";

/// Implements the receiving points' work weeks for `$store` as inherent methods, which the
/// backend's `Store` implementation calls.
macro_rules! impl_point_week_store {
    ($store:ty $(,)?) => {
        const _: () = {
            use ::motcua_domain::agency::AgencyCode;
            use $crate::point_weeks_sql::*;
            use $crate::{StoreError, StoreResult};

            impl $store {
                pub(crate) async fn point_weeks(
                    &self,
                    agency: &AgencyCode,
                ) -> StoreResult<Vec<(String, String)>> {
                    Ok(::sqlx::query_as(SELECT_POINT_WEEKS)
                        .bind(agency.as_str())
                        .fetch_all(self.read_pool())
                        .await?)
                }

                pub(crate) async fn point_week(
                    &self,
                    agency: &AgencyCode,
                    point: &str,
                ) -> StoreResult<Option<String>> {
                    let row: Option<Option<String>> = ::sqlx::query_scalar(SELECT_POINT_WEEK)
                        .bind(agency.as_str())
                        .bind(point)
                        .fetch_optional(self.read_pool())
                        .await?;
                    row.ok_or(StoreError::NotFound)
                }

                pub(crate) async fn set_point_week(
                    &self,
                    agency: &AgencyCode,
                    point: &str,
                    week_json: Option<&str>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(SET_POINT_WEEK)
                        .bind(agency.as_str())
                        .bind(point)
                        .bind(week_json)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_point_week_store;
