package distdiff

// Fixtures shared by the tests of the package.
const oldTemplate = `{"Resources": {
  "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBName": "shop", "MultiAZ": false}},
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/backend"}},
  "Gone": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "x"}}
}}`

const newTemplate = `{"Resources": {
  "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBName": "shop", "MultiAZ": true}},
  "Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "shop/api"}},
  "New": {"Type": "AWS::Logs::LogGroup", "Properties": {}}
}}`
