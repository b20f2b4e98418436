-- id: kms_key_policy_external
-- title: KMS key policy grants another account or anyone
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003, TA0010
-- techniques: T1098, T1537
-- resource: resource
-- resource_type: AwsKmsKey
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A KMS key policy was put (or a key created with a policy) whose Allow statements name
--   a principal of another account, or anyone without a kms:CallerAccount, organization or source
--   condition: that account can decrypt data under the key, or use it to encrypt ours (ransomware).
--   Principals are read with policy_external_principals. Only successful calls count. Dedup: one
--   finding per account, resource, actor per day. Benign look-alikes: the default policy (this
--   account's root), service statements pinned by kms:CallerAccount and kms:ViaService, and this
--   account's roles are not reported; keys shared with your other accounts on purpose are, so list
--   them.
-- remediation: Remove the foreign statement (kms put-key-policy), review Decrypt and ReEncrypt calls
--   by that account in its CloudTrail if you can, and rotate data keys if needed.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.keyId'), json_extract_scalar(responseelements, '$.keyMetadata.keyId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'kms.amazonaws.com'
  AND eventname IN ('PutKeyPolicy', 'CreateKey')
  AND errorcode IS NULL
  AND cardinality(policy_external_principals(json_extract_scalar(requestparameters, '$.policy'), recipientaccountid)) > 0
