-- id: identity_provider_changed
-- title: SAML or OIDC identity provider created or changed
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003, TA0004
-- techniques: T1484.002, T1606.002
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An IAM SAML provider was created or its metadata replaced, or an OIDC provider was
--   created or given a new client ID or thumbprint: whoever controls that identity provider can now
--   sign in to roles that trust it (a federation backdoor, as in Golden SAML). Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: listing,
--   reading and deleting providers are not reported; the identity team rotating its IdP signing
--   certificate (UpdateSAMLProvider) is, so check with them.
-- remediation: Compare the provider's metadata or URL with your real identity provider; otherwise
--   delete it and the roles that trust it, and review AssumeRoleWithSAML and
--   AssumeRoleWithWebIdentity calls since.
-- references: https://attack.mitre.org/techniques/T1484/002/
-- references: https://attack.mitre.org/techniques/T1606/002/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.sAMLProviderArn'), json_extract_scalar(requestparameters, '$.url'), json_extract_scalar(requestparameters, '$.openIDConnectProviderArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('CreateSAMLProvider', 'UpdateSAMLProvider', 'CreateOpenIDConnectProvider', 'AddClientIDToOpenIDConnectProvider', 'UpdateOpenIDConnectProviderThumbprint')
  AND errorcode IS NULL
