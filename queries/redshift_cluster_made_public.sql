-- id: redshift_cluster_made_public
-- title: Redshift cluster made publicly accessible
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Redshift cluster was modified, or restored from a snapshot, to be publicly
--   accessible: the warehouse endpoint gets a public address. Only successful calls count. Dedup:
--   one finding per account, resource, actor per day. Benign look-alikes: modifications that keep it
--   private and resizes are not reported.
-- remediation: Set publiclyAccessible back to false (redshift modify-cluster
--   --no-publicly-accessible) and review connection logs.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.clusterIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'redshift.amazonaws.com'
  AND eventname IN ('ModifyCluster', 'RestoreFromClusterSnapshot')
  AND json_extract_scalar(requestparameters, '$.publiclyAccessible') = 'true'
  AND errorcode IS NULL
