-- id: role_trusts_external_account
-- title: IAM role created or changed to trust another account or anyone
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1098.003, T1199
-- resource: resource
-- resource_type: AwsIamRole
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, external_principals, sourceipaddress, useragent, errorcode, requestparameters
-- description: A role was created, or its trust policy changed, so that a principal of another
--   account, or anyone ("*", {"AWS": "*"}, an ARN with a wildcard account), may assume it: a
--   cross-account backdoor (Stratus iam-create-backdoor-role). Every Allow statement and every
--   principal form is read with policy_external_principals (a bare account ID counts as that
--   account's root). Only successful calls count. Dedup: one finding per account, role and actor
--   per day. Benign look-alikes: roles trusting AWS services, this account's own principals, its
--   own SAML/OIDC providers, or "*" pinned to the organization by aws:PrincipalOrgID (or to accounts
--   by aws:PrincipalAccount/aws:SourceAccount) are not reported; vendor integrations (a security
--   tool's account) are, so keep a list of trusted vendor accounts.
-- remediation: Check the trusted account against your organisation and vendors; otherwise delete
--   the role or fix its trust policy and review AssumeRole calls from that account.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-backdoor-role/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':role/', coalesce(json_extract_scalar(requestparameters, '$.roleName'), 'unknown')) AS resource,
       array_join(policy_external_principals(coalesce(json_extract_scalar(requestparameters, '$.assumeRolePolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument')), recipientaccountid), ', ') AS external_principals,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('CreateRole', 'UpdateAssumeRolePolicy')
  AND errorcode IS NULL
  AND cardinality(policy_external_principals(coalesce(json_extract_scalar(requestparameters, '$.assumeRolePolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument')), recipientaccountid)) > 0
