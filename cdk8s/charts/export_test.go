package charts

// Build's mapping of an environment into props, for the tests of package
// charts_test that edit one field of a valid props value.
var (
	BackendPropsOf      = backendProps
	FrontendPropsOf     = frontendProps
	MigrationJobPropsOf = migrationJobProps
	PurgeCronJobPropsOf = purgeCronJobProps
)
