<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AddWorkspaceDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="515"/>
        <source>Add an Azure ML workspace</source>
        <translation>Añadir un área de trabajo de Azure ML</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="540"/>
        <source>From a config.json</source>
        <translation>Desde un config.json</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="541"/>
        <source>From your subscriptions</source>
        <translation>Desde sus suscripciones</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="544"/>
        <source>Add</source>
        <translation>Añadir</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="548"/>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="568"/>
        <source>config.json downloaded from the workspace&apos;s page in the portal</source>
        <translation>config.json descargado de la página del área de trabajo en el portal</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="570"/>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="578"/>
        <source>The workspace&apos;s config.json (as Workspace.from_config() reads it):</source>
        <translation>El config.json del área de trabajo (tal como lo lee Workspace.from_config()):</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="592"/>
        <source>Found {0}.</source>
        <translation>Encontrado: {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="603"/>
        <source>Subscription</source>
        <translation>Suscripción</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="604"/>
        <source>Resource group</source>
        <translation>Grupo de recursos</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="605"/>
        <source>Workspace</source>
        <translation>Área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="628"/>
        <source>Choose the workspace&apos;s config.json</source>
        <translation>Elija el config.json del área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="632"/>
        <source>Workspace configuration (*.json)</source>
        <translation>Configuración del área de trabajo (*.json)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="632"/>
        <source>All files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="644"/>
        <source>Sign in to Azure first: File &gt; Sign in to Azure…</source>
        <translation>Inicie sesión en Azure primero: Archivo &gt; Iniciar sesión en Azure…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="648"/>
        <source>Choose the workspace&apos;s config.json.</source>
        <translation>Elija el config.json del área de trabajo.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="653"/>
        <source>Pick a subscription, a resource group and a workspace.</source>
        <translation>Elija una suscripción, un grupo de recursos y un área de trabajo.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="680"/>
        <source>subscriptions</source>
        <translation>suscripciones</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="695"/>
        <source>resource groups in {0}</source>
        <translation>grupos de recursos de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="713"/>
        <source>Azure ML workspaces in {0}</source>
        <translation>áreas de trabajo de Azure ML de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="731"/>
        <source>Loading {0}…</source>
        <translation>Cargando {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="744"/>
        <source>No {0}.</source>
        <translation>No hay {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="749"/>
        <source>Could not list the {0}: {1}</source>
        <translation>No se pudo obtener la lista de {0}: {1}</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../app.py" line="83"/>
        <source>Starting</source>
        <translation>Iniciando</translation>
    </message>
    <message>
        <location filename="../../app.py" line="146"/>
        <source>Could not clean up after an earlier tbdesk: {0}</source>
        <translation>No se pudo limpiar lo que dejó un tbdesk anterior: {0}</translation>
    </message>
    <message>
        <location filename="../../app.py" line="151"/>
        <source>Stopped {0} an earlier tbdesk left running</source>
        <translation>Detenidos: {0} que un tbdesk anterior dejó en marcha</translation>
    </message>
</context>
<context>
    <name>AzureActions</name>
    <message>
        <location filename="../../ui/azure_actions.py" line="65"/>
        <source>{0} — signed out</source>
        <translation>{0} — sesión cerrada</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="110"/>
        <source>{0}. Signed out: sign in again to read its workspaces.</source>
        <translation>{0}. Sesión cerrada: vuelva a iniciar sesión para leer sus áreas de trabajo.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="169"/>
        <source>Could not check the sign-in methods: {0}</source>
        <translation>No se pudieron comprobar los métodos de inicio de sesión: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="179"/>
        <location filename="../../ui/azure_actions.py" line="185"/>
        <location filename="../../ui/azure_actions.py" line="264"/>
        <source>Signing in to Azure as {0}</source>
        <translation>Iniciando sesión en Azure como {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="181"/>
        <location filename="../../ui/azure_actions.py" line="187"/>
        <location filename="../../ui/azure_actions.py" line="267"/>
        <source>Signed in to Azure as {0}</source>
        <translation>Sesión iniciada en Azure como {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="269"/>
        <source>Sign in to continue</source>
        <translation>Inicie sesión para continuar</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="324"/>
        <source>Signed out of {0}; its workspaces stay: sign in again to read them</source>
        <translation>Sesión cerrada en {0}; sus áreas de trabajo se conservan: vuelva a iniciar sesión para leerlas</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="327"/>
        <source>Signed out of {0}</source>
        <translation>Sesión cerrada en {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="330"/>
        <source>Signing out of {0}</source>
        <translation>Cerrando la sesión en {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="361"/>
        <source>Removing the Azure account {0}</source>
        <translation>Quitando la cuenta de Azure {0}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/azure_actions.py" line="363"/>
        <source>Removed the Azure account {0} and its %n workspaces</source>
        <translation>
            <numerusform>Se quitó la cuenta de Azure {0} y su área de trabajo</numerusform>
            <numerusform>Se quitó la cuenta de Azure {0} y sus %n áreas de trabajo</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="367"/>
        <source>Removed the Azure account {0}</source>
        <translation>Se quitó la cuenta de Azure {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="396"/>
        <source>Sign in again to {0} first.</source>
        <translation>Vuelva a iniciar sesión en {0} primero.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="402"/>
        <source>Sign in to Azure first, then add your workspaces.</source>
        <translation>Inicie sesión en Azure primero y luego añada sus áreas de trabajo.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="426"/>
        <source>Added the workspace {0}</source>
        <translation>Se añadió el área de trabajo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="462"/>
        <source>No web browser could open {0}</source>
        <translation>Ningún navegador web pudo abrir {0}</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="469"/>
        <source>Opening {0} in Azure ML studio</source>
        <translation>Abriendo {0} en Azure ML studio</translation>
    </message>
    <message>
        <location filename="../../ui/azure_actions.py" line="470"/>
        <source>Opened in your web browser</source>
        <translation>Abierto en su navegador web</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <location filename="../../ui/board_view.py" line="367"/>
        <source>Loading the dashboard</source>
        <translation>Cargando el panel</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="404"/>
        <source>Reload dashboard</source>
        <translation>Recargar el panel</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="407"/>
        <source>Open in browser</source>
        <translation>Abrir en el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="598"/>
        <source>The dashboard&apos;s page keeps crashing.</source>
        <translation>La página del panel sigue fallando.</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="601"/>
        <source>Its renderer stopped {0} times within a minute (last: {1}, exit code {2}).</source>
        <translation>Su proceso de dibujo se detuvo {0} veces en un minuto (la última: {1}, código de salida {2}).</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="614"/>
        <source>The dashboard did not load within {0} s.</source>
        <translation>El panel no cargó en {0} s.</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="616"/>
        <source>TensorBoard may be busy or hung: reload the page, or restart the board.</source>
        <translation>TensorBoard puede estar ocupado o bloqueado: recargue la página o reinicie el tablero.</translation>
    </message>
</context>
<context>
    <name>BoardsButton</name>
    <message>
        <location filename="../../ui/boards_menu.py" line="45"/>
        <source>starting</source>
        <translation>iniciando</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="46"/>
        <source>ready</source>
        <translation>listo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="47"/>
        <source>not responding</source>
        <translation>no responde</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="48"/>
        <source>stopping</source>
        <translation>deteniéndose</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="49"/>
        <source>stopped</source>
        <translation>detenido</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="50"/>
        <source>crashed</source>
        <translation>se cerró inesperadamente</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="51"/>
        <source>failed</source>
        <translation>falló</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="62"/>
        <source>{0} (port {1})</source>
        <translation>{0} (puerto {1})</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="91"/>
        <source>This window&apos;s boards and the other TensorBoards on this machine</source>
        <translation>Los tableros de esta ventana y los demás TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="97"/>
        <location filename="../../ui/boards_menu.py" line="107"/>
        <source>Boards ({0})</source>
        <translation>Tableros ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="107"/>
        <source>Boards</source>
        <translation>Tableros</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="139"/>
        <source>Boards of this window</source>
        <translation>Tableros de esta ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="142"/>
        <source>None: open runs from the tree</source>
        <translation>Ninguno: abra ejecuciones desde el árbol</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="145"/>
        <source>Other TensorBoards on this machine</source>
        <translation>Otros TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="149"/>
        <source>None found</source>
        <translation>No se encontró ninguno</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="158"/>
        <source> (no tab: stop it here)</source>
        <translation> (sin pestaña: deténgalo aquí)</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="161"/>
        <source>Show</source>
        <translation>Mostrar</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="162"/>
        <location filename="../../ui/boards_menu.py" line="170"/>
        <source>Open in browser</source>
        <translation>Abrir en el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="164"/>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <location filename="../../ui/boards_menu.py" line="169"/>
        <source>Open in window</source>
        <translation>Abrir en la ventana</translation>
    </message>
</context>
<context>
    <name>BoardsPanel</name>
    <message>
        <location filename="../../ui/boards_panel.py" line="44"/>
        <source>Board</source>
        <translation>Tablero</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="45"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="46"/>
        <location filename="../../ui/boards_panel.py" line="57"/>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="47"/>
        <source>Runs</source>
        <translation>Ejecuciones</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="48"/>
        <location filename="../../ui/boards_panel.py" line="59"/>
        <source>Uptime</source>
        <translation>Tiempo activo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="49"/>
        <source>Memory</source>
        <translation>Memoria</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="56"/>
        <source>Logs folder</source>
        <translation>Carpeta de registros</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="58"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="60"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="130"/>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="132"/>
        <source>Show the board&apos;s dashboard</source>
        <translation>Mostrar el panel del tablero</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="135"/>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="137"/>
        <source>Stop TensorBoard and close the board</source>
        <translation>Detener TensorBoard y cerrar el tablero</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="140"/>
        <source>Restart</source>
        <translation>Reiniciar</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="142"/>
        <source>Start TensorBoard again</source>
        <translation>Volver a iniciar TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="145"/>
        <location filename="../../ui/boards_panel.py" line="155"/>
        <source>Open in browser</source>
        <translation>Abrir en el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="147"/>
        <source>Open the dashboard in the system browser</source>
        <translation>Abrir el panel en el navegador del sistema</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="150"/>
        <source>Open in window</source>
        <translation>Abrir en la ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="152"/>
        <source>Show this TensorBoard in a tab of this window</source>
        <translation>Mostrar este TensorBoard en una pestaña de esta ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="157"/>
        <source>Open this TensorBoard in the system browser</source>
        <translation>Abrir este TensorBoard en el navegador del sistema</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="160"/>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="162"/>
        <source>Look again for TensorBoards running on this machine</source>
        <translation>Volver a buscar los TensorBoard en marcha en este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="166"/>
        <source>Boards of this window</source>
        <translation>Tableros de esta ventana</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="172"/>
        <source>Other TensorBoards on this machine</source>
        <translation>Otros TensorBoard de este equipo</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="237"/>
        <source>Could not stop the board &apos;{0}&apos;</source>
        <translation>No se pudo detener el tablero «{0}»</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="243"/>
        <source>Could not restart the board &apos;{0}&apos;</source>
        <translation>No se pudo reiniciar el tablero «{0}»</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="265"/>
        <source>Looking for TensorBoards…</source>
        <translation>Buscando TensorBoard…</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="332"/>
        <source>Could not look for TensorBoards: {0}</source>
        <translation>No se pudo buscar TensorBoard: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="353"/>
        <source>Started by another tbdesk window</source>
        <translation>Iniciado por otra ventana de tbdesk</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="358"/>
        <source>None found.</source>
        <translation>No se encontró ninguno.</translation>
    </message>
    <message>
        <location filename="../../ui/boards_panel.py" line="358"/>
        <source>{0} found.</source>
        <translation>Se encontraron {0}.</translation>
    </message>
</context>
<context>
    <name>CacheActions</name>
    <message>
        <location filename="../../ui/cache_actions.py" line="101"/>
        <source>Preferences…</source>
        <translation>Preferencias…</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="102"/>
        <source>Clear cache…</source>
        <translation>Vaciar la caché…</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="103"/>
        <source>Remove the logs of runs that no open board shows</source>
        <translation>Quitar los registros de las ejecuciones que ningún tablero abierto muestra</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="113"/>
        <source>The cache is in {0}</source>
        <translation>La caché está en {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="117"/>
        <source> (measuring…)</source>
        <translation> (midiendo…)</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="130"/>
        <source>The cache is in {0} and holds {1}</source>
        <translation>La caché está en {0} y ocupa {1}</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="136"/>
        <source>Measuring the cache</source>
        <translation>Midiendo la caché</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="159"/>
        <source>Applying the cache size limit</source>
        <translation>Aplicando el límite de tamaño de la caché</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="161"/>
        <source>Cache size limit {0}: removed {1} no board shows</source>
        <translation>Límite de tamaño de la caché {0}: quitadas {1} que ningún tablero muestra</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="225"/>
        <source>Cleared the cache: freed {0} ({1})</source>
        <translation>Caché vaciada: liberados {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="229"/>
        <source>; kept {0} that open boards show</source>
        <translation>; conservadas {0} que muestran tableros abiertos</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="165"/>
        <source>Cache size limit {0}</source>
        <translation>Límite de tamaño de la caché {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="173"/>
        <source>Clear cache</source>
        <translation>Vaciar la caché</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="176"/>
        <source>Remove the logs of every run in the cache?
Runs that open boards show are kept; others are fetched again when opened.</source>
        <translation>¿Quitar de la caché los registros de todas las ejecuciones?
Se conservan las que muestran los tableros abiertos; las demás se vuelven a descargar al abrirlas.</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="200"/>
        <source>Clearing the cache</source>
        <translation>Vaciando la caché</translation>
    </message>
</context>
<context>
    <name>CloudFolderDialog</name>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="47"/>
        <source>Open cloud folder</source>
        <translation>Abrir carpeta en la nube</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="64"/>
        <source>optional: SAS token, connection string, or ACCESS_KEY_ID:SECRET (kept in the keyring)</source>
        <translation>opcional: token SAS, cadena de conexión o ACCESS_KEY_ID:SECRET (se guarda en el llavero)</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="86"/>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="87"/>
        <source>Secret:</source>
        <translation>Secreto:</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="54"/>
        <source>Automatic (Azure&apos;s variables, or the only signed-in account)</source>
        <translation>Automática (las variables de Azure, o la única cuenta con la sesión iniciada)</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="73"/>
        <source>Credentials come from where each cloud&apos;s own tools find them (AWS_PROFILE, AZURE_STORAGE_CONNECTION_STRING, gcloud&apos;s application default credentials), from an Azure account signed in to tbdesk for Azure URLs, or from the secret given here.</source>
        <translation>Las credenciales se toman de donde las encuentran las herramientas de cada nube (AWS_PROFILE, AZURE_STORAGE_CONNECTION_STRING, las credenciales predeterminadas de aplicación de gcloud), de una cuenta de Azure con sesión iniciada en tbdesk para las URL de Azure o del secreto indicado aquí.</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="88"/>
        <source>Azure account:</source>
        <translation>Cuenta de Azure:</translation>
    </message>
    <message>
        <location filename="../../ui/cloud_dialog.py" line="116"/>
        <source>Several Azure accounts are signed in: choose the one that reads it.</source>
        <translation>Hay varias cuentas de Azure con la sesión iniciada: elija la que la lee.</translation>
    </message>
</context>
<context>
    <name>DeviceCodeDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="435"/>
        <source>Sign in to Azure with a code</source>
        <translation>Iniciar sesión en Azure con un código</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="439"/>
        <source>Open &lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt; on this or any other device, and enter this code:</source>
        <translation>Abra &lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt; en este o en cualquier otro dispositivo e introduzca este código:</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="457"/>
        <source>tbdesk waits for you to finish there. The code works until {0}.</source>
        <translation>tbdesk espera a que termine allí. El código vale hasta las {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="460"/>
        <source>Copy code</source>
        <translation>Copiar el código</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="463"/>
        <source>Open browser</source>
        <translation>Abrir el navegador</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="466"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="482"/>
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../ui/dialogs.py" line="65"/>
        <source>About {0}</source>
        <translation>Acerca de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="69"/>
        <source>Look at experiment runs in TensorBoard: from Azure ML workspaces, from the built-in local workspace and from folders of TensorBoard logs.</source>
        <translation>Vea en TensorBoard las ejecuciones de sus experimentos: de áreas de trabajo de Azure ML, del área de trabajo local integrada y de carpetas de registros de TensorBoard.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="104"/>
        <source>Unexpected error</source>
        <translation>Error inesperado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="105"/>
        <source>Something went wrong: {0}</source>
        <translation>Algo salió mal: {0}</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../ui/export_dialog.py" line="26"/>
        <source>Open in TensorBoard</source>
        <translation>Abrir en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="64"/>
        <source>Exported {0} ({1}) to {2}</source>
        <translation>Exportadas {0} ({1}) a {2}</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="31"/>
        <source>reading {0} ({1} of {2})</source>
        <translation>leyendo {0} ({1} de {2})</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="32"/>
        <source>writing {0} ({1} of {2})</source>
        <translation>escribiendo {0} ({1} de {2})</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="33"/>
        <source>wrote {0} ({1} of {2})</source>
        <translation>escrita {0} ({1} de {2})</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="76"/>
        <source>Export to TensorBoard</source>
        <translation>Exportar a TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/export_dialog.py" line="80"/>
        <source>Some values were left out or changed; see the details.</source>
        <translation>Algunos valores se omitieron o se cambiaron; vea los detalles.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="153"/>
        <source>No loaded run matches: the search covers the runs loaded so far.</source>
        <translation>Ninguna ejecución cargada coincide: la búsqueda abarca las ejecuciones cargadas hasta ahora.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="156"/>
        <source>Load all runs and search</source>
        <translation>Cargar todas y buscar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="180"/>
        <source>Loading every run</source>
        <translation>Cargando todas las ejecuciones</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="225"/>
        <source>Copy address</source>
        <translation>Copiar la dirección</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="239"/>
        <source>No web browser could open {0}</source>
        <translation>Ningún navegador web pudo abrir {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="244"/>
        <source>Copied {0}</source>
        <translation>Copiado: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="259"/>
        <location filename="../../ui/main_window.py" line="752"/>
        <source>Boards</source>
        <translation>Tableros</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="265"/>
        <source>Boards panel</source>
        <translation>Panel de tableros</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270"/>
        <source>Find runs…</source>
        <translation>Buscar ejecuciones…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="271"/>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="272"/>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="274"/>
        <source>Reload the tree, or look for new logs of the board in view</source>
        <translation>Recargar el árbol, o buscar registros nuevos del tablero a la vista</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="277"/>
        <source>About {0}</source>
        <translation>Acerca de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="291"/>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="299"/>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="302"/>
        <source>Remove Azure account</source>
        <translation>Quitar cuenta de Azure</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="313"/>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="318"/>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="404"/>
        <source>Not showing a remembered folder: {0}</source>
        <translation>No se muestra una carpeta recordada: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="437"/>
        <source>Reopening {0}</source>
        <translation>Reabriendo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="487"/>
        <source>Looking for new logs…</source>
        <translation>Buscando registros nuevos…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="501"/>
        <source>{0} runs selected.</source>
        <translation>{0} ejecuciones seleccionadas.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="503"/>
        <source>Select a run to see its details.</source>
        <translation>Seleccione una ejecución para ver sus detalles.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="514"/>
        <source>Opening {0} in TensorBoard</source>
        <translation>Abriendo {0} en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="544"/>
        <source>Not a folder of TensorBoard logs: {0}</source>
        <translation>No es una carpeta de registros de TensorBoard: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="602"/>
        <source>Restart failed</source>
        <translation>No se pudo reiniciar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="602"/>
        <source>This board was stopped; open its runs again.</source>
        <translation>Este tablero se detuvo; vuelva a abrir sus ejecuciones.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="605"/>
        <source>Restarting {0}</source>
        <translation>Reiniciando {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="632"/>
        <source>Following {0} live</source>
        <translation>Siguiendo {0} en vivo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="652"/>
        <source>Not live: reopened from the last session</source>
        <translation>Sin seguimiento: reabierto de la sesión anterior</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="653"/>
        <source>Refresh to follow its runs again: their new logs and new child runs</source>
        <translation>Actualice para volver a seguir sus ejecuciones: sus registros nuevos y sus nuevas ejecuciones hijas</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="696"/>
        <source>Opened {0}</source>
        <translation>Abierto {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="708"/>
        <source>TensorBoard stopped: {0}</source>
        <translation>TensorBoard se detuvo: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="712"/>
        <source>TensorBoard is not responding: {0}</source>
        <translation>TensorBoard no responde: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="724"/>
        <source>Stopping {0}</source>
        <translation>Deteniendo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="757"/>
        <source>Creating the demo experiments</source>
        <translation>Creando los experimentos de demostración</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/cache_actions.py" line="50"/>
        <source>Preferences</source>
        <translation>Preferencias</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="58"/>
        <source>Runs that no open board shows are removed, least recently used first, past this size</source>
        <translation>Por encima de este tamaño se quitan las ejecuciones que ningún tablero abierto muestra, primero las usadas hace más tiempo</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="66"/>
        <source>Cache size limit:</source>
        <translation>Tamaño máximo de la caché:</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="74"/>
        <location filename="../../ui/cache_actions.py" line="84"/>
        <source>As the system</source>
        <translation>Como el sistema</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="75"/>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="76"/>
        <source>Dark</source>
        <translation>Oscuro</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="80"/>
        <source>The window at once; the dashboards from the next launch</source>
        <translation>La ventana al momento; los paneles desde el próximo inicio</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="81"/>
        <source>Appearance:</source>
        <translation>Apariencia:</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="88"/>
        <source>From the next launch</source>
        <translation>Desde el próximo inicio</translation>
    </message>
    <message>
        <location filename="../../ui/cache_actions.py" line="89"/>
        <source>Language:</source>
        <translation>Idioma:</translation>
    </message>
</context>
<context>
    <name>RemoveAccountDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="786"/>
        <source>Remove Azure account</source>
        <translation>Quitar cuenta de Azure</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/azure_dialogs.py" line="792"/>
        <source>Remove the Azure account {0} and its %n workspaces?</source>
        <translation>
            <numerusform>¿Quitar la cuenta de Azure {0} y su área de trabajo?</numerusform>
            <numerusform>¿Quitar la cuenta de Azure {0} y sus %n áreas de trabajo?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/azure_dialogs.py" line="796"/>
        <source>tbdesk signs out of it (forgetting its client secret and its tokens) and forgets its %n workspaces ({0}): to read them again you would sign in and add each one again. Nothing changes in Azure. To sign out and keep the workspaces, use Sign out.</source>
        <translation>
            <numerusform>tbdesk cierra su sesión (olvida su secreto de cliente y sus tokens) y olvida su área de trabajo ({0}): para volver a leerla tendría que iniciar sesión y añadirla de nuevo. Nada cambia en Azure. Para cerrar la sesión y conservar el área de trabajo, use Cerrar sesión.</numerusform>
            <numerusform>tbdesk cierra su sesión (olvida su secreto de cliente y sus tokens) y olvida sus %n áreas de trabajo ({0}): para volver a leerlas tendría que iniciar sesión y añadir cada una de nuevo. Nada cambia en Azure. Para cerrar la sesión y conservar las áreas de trabajo, use Cerrar sesión.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="804"/>
        <source>Remove the Azure account {0}?</source>
        <translation>¿Quitar la cuenta de Azure {0}?</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="807"/>
        <source>tbdesk signs out of it (forgetting its client secret and its tokens) and forgets the account. Nothing changes in Azure.</source>
        <translation>tbdesk cierra su sesión (olvida su secreto de cliente y sus tokens) y olvida la cuenta. Nada cambia en Azure.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="811"/>
        <source>Remove account</source>
        <translation>Quitar la cuenta</translation>
    </message>
</context>
<context>
    <name>RunActions</name>
    <message>
        <location filename="../../ui/run_actions.py" line="69"/>
        <location filename="../../ui/run_actions.py" line="88"/>
        <source>Open in TensorBoard</source>
        <translation>Abrir en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="71"/>
        <source>Compare selected in one TensorBoard</source>
        <translation>Comparar las seleccionadas en un TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="73"/>
        <source>Open with options…</source>
        <translation>Abrir con opciones…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="75"/>
        <source>Open the selected runs in one board, choosing where their logs are</source>
        <translation>Abrir las ejecuciones seleccionadas en un tablero, eligiendo dónde están sus registros</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="77"/>
        <source>Export to TensorBoard…</source>
        <translation>Exportar a TensorBoard…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="79"/>
        <source>Write the metric history of runs as TensorBoard event files</source>
        <translation>Escribir el historial de métricas de las ejecuciones como archivos de eventos de TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="81"/>
        <source>Download logs…</source>
        <translation>Descargar registros…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="82"/>
        <source>Copy run id</source>
        <translation>Copiar el id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="84"/>
        <source>Open in Azure ML studio</source>
        <translation>Abrir en Azure ML studio</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="86"/>
        <source>Show the run&apos;s page in Azure ML studio in your web browser</source>
        <translation>Mostrar la página de la ejecución en Azure ML studio en su navegador</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="87"/>
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="90"/>
        <source>One board on every run of the selected experiment or logs folder</source>
        <translation>Un tablero con todas las ejecuciones del experimento o la carpeta de registros seleccionados</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="128"/>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="131"/>
        <source>Remove account…</source>
        <translation>Quitar la cuenta…</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="169"/>
        <location filename="../../ui/run_actions.py" line="224"/>
        <location filename="../../ui/run_actions.py" line="405"/>
        <source>Opening {0} in TensorBoard</source>
        <translation>Abriendo {0} en TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="175"/>
        <source>The experiment {0} has no runs to open.</source>
        <translation>El experimento {0} no tiene ejecuciones que abrir.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="204"/>
        <source>Open with options</source>
        <translation>Abrir con opciones</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="206"/>
        <source>Folder of the TensorBoard logs in each run (for example logs/ or outputs/tb/):</source>
        <translation>Carpeta de los registros de TensorBoard en cada ejecución (por ejemplo logs/ u outputs/tb/):</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="241"/>
        <source>No files in {0} of {1}: opened nothing.</source>
        <translation>No hay archivos en {0} de {1}: no se abrió nada.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="243"/>
        <source>No files in {0}: opened nothing.</source>
        <translation>No hay archivos en {0}: no se abrió nada.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="267"/>
        <source>syncing the logs of {0}</source>
        <translation>sincronizando los registros de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="323"/>
        <source>The workspace of the runs of {0} is not in the tree any more.</source>
        <translation>El área de trabajo de las ejecuciones de {0} ya no está en el árbol.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="347"/>
        <source>Export to TensorBoard: choose a folder</source>
        <translation>Exportar a TensorBoard: elija una carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="365"/>
        <source>Exporting {0} to TensorBoard</source>
        <translation>Exportando {0} a TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="376"/>
        <source>listing the runs of {0}</source>
        <translation>obteniendo la lista de ejecuciones de {0}</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="381"/>
        <source>There are no runs to export in {0}.</source>
        <translation>No hay ejecuciones que exportar en {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="382"/>
        <source>There are no runs to export in the selection.</source>
        <translation>No hay ejecuciones que exportar en la selección.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="414"/>
        <source>Download logs to folder</source>
        <translation>Descargar los registros a una carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="423"/>
        <location filename="../../ui/run_actions.py" line="435"/>
        <source>Downloading logs of {0}</source>
        <translation>Descargando los registros de {0}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/run_actions.py" line="425"/>
        <source>Downloaded %Ln files to {0}</source>
        <translation>
            <numerusform>Descargado %Ln archivo a {0}</numerusform>
            <numerusform>Descargados %Ln archivos a {0}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="427"/>
        <source>The selected runs have no logs</source>
        <translation>Las ejecuciones seleccionadas no tienen registros</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/run_actions.py" line="449"/>
        <source>Copied %n run ids</source>
        <translation>
            <numerusform>Copiado el id de la ejecución</numerusform>
            <numerusform>Copiados %n ids de ejecución</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="456"/>
        <source>Showing {0} in its folder</source>
        <translation>Mostrando {0} en su carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="469"/>
        <source>The run {0} has neither logs nor metrics to show in a folder.</source>
        <translation>La ejecución {0} no tiene registros ni métricas que mostrar en una carpeta.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="473"/>
        <source>{0} logged metrics only: showing the folder they are exported to</source>
        <translation>{0} solo registró métricas: se muestra la carpeta a la que se exportan</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="477"/>
        <source>No file manager could open {0}.</source>
        <translation>Ningún gestor de archivos pudo abrir {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/run_actions.py" line="316"/>
        <location filename="../../ui/run_actions.py" line="523"/>
        <source>The run {0} is not in {1} any more.</source>
        <translation>La ejecución {0} ya no está en {1}.</translation>
    </message>
</context>
<context>
    <name>RunDetails</name>
    <message>
        <location filename="../../ui/run_details.py" line="57"/>
        <source>Parameters</source>
        <translation>Parámetros</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="110"/>
        <source>Job type</source>
        <translation>Tipo de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="112"/>
        <source>Run type</source>
        <translation>Tipo de ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="55"/>
        <source>Run</source>
        <translation>Ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="56"/>
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="58"/>
        <source>Properties</source>
        <translation>Propiedades</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="59"/>
        <source>Metrics</source>
        <translation>Métricas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="60"/>
        <source>Files</source>
        <translation>Archivos</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="85"/>
        <source>Azure ML keeps this metric as a file among the run&apos;s files (see Files), not as values: TensorBoard has nothing to show it as, so opening or exporting the run leaves it out. Azure ML studio shows it.</source>
        <translation>Azure ML guarda esta métrica como un archivo entre los de la ejecución (vea Archivos), no como valores: TensorBoard no tiene cómo mostrarla, así que al abrir o exportar la ejecución se omite. Azure ML studio sí la muestra.</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="91"/>
        <source>tbdesk cannot read this metric&apos;s values (the text says why), so opening or exporting the run leaves it out. Azure ML studio may show it.</source>
        <translation>tbdesk no puede leer los valores de esta métrica (el texto dice por qué), así que al abrir o exportar la ejecución se omite. Azure ML studio quizá la muestre.</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="102"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="103"/>
        <source>Display name</source>
        <translation>Nombre visible</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="104"/>
        <source>Run id</source>
        <translation>Id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="105"/>
        <source>Experiment</source>
        <translation>Experimento</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="108"/>
        <source>Run number</source>
        <translation>Número</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="114"/>
        <source>Parent run</source>
        <translation>Ejecución padre</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="116"/>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="117"/>
        <source>Ended</source>
        <translation>Fin</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="123"/>
        <location filename="../../ui/run_details.py" line="131"/>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="132"/>
        <source>{0} so far</source>
        <translation>{0} hasta ahora</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="142"/>
        <source>kept by Azure ML as a file</source>
        <translation>guardada por Azure ML como archivo</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="143"/>
        <location filename="../../ui/run_details.py" line="146"/>
        <source>{0}: not exported to TensorBoard</source>
        <translation>{0}: no se exporta a TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="145"/>
        <source>its values are unreadable</source>
        <translation>sus valores no se pueden leer</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="157"/>
        <source>{0}, last {1}</source>
        <translation>{0}, último {1}</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="190"/>
        <source>Copy run id</source>
        <translation>Copiar el id de la ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="194"/>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="210"/>
        <source>Select a run to see its details.</source>
        <translation>Seleccione una ejecución para ver sus detalles.</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="237"/>
        <source>No tags</source>
        <translation>Sin etiquetas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="241"/>
        <source>No properties</source>
        <translation>Sin propiedades</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="242"/>
        <location filename="../../ui/run_details.py" line="243"/>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="247"/>
        <source>Copy {0} to the clipboard</source>
        <translation>Copiar {0} al portapapeles</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="275"/>
        <source>Could not load</source>
        <translation>No se pudo cargar</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="290"/>
        <source>No metrics</source>
        <translation>Sin métricas</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="303"/>
        <source>… and {0} more</source>
        <translation>… y {0} más</translation>
    </message>
    <message>
        <location filename="../../ui/run_details.py" line="304"/>
        <source>No files</source>
        <translation>Sin archivos</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../ui/search.py" line="94"/>
        <source>Filter runs: name, status:failed, tag:lr=0.1  (Ctrl+F)</source>
        <translation>Filtrar ejecuciones: nombre, status:failed, tag:lr=0.1  (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/search.py" line="98"/>
        <source>A query is words separated by spaces; a run matches when it matches every word:

- `status:failed` - its status starts with &quot;failed&quot; (several `status:` words: any of them);
- `tag:lr=0.1` - it has the tag lr with the value 0.1; `tag:lr` - it has a tag lr at all;
- `type:sweep` - its kind of job (an Azure ML job: command, sweep, pipeline...) starts with &quot;sweep&quot; (several `type:` words: any of them);
- any other word - found in its display name, id or run number (ignoring case).

Quotes keep spaces inside one word: `tag:&quot;note=first try&quot;`, `&quot;cnn lr&quot;`.</source>
        <translation>Una búsqueda son palabras separadas por espacios; una ejecución coincide cuando coincide con todas:

- `status:failed`: su estado empieza por «failed» (con varias palabras `status:`, cualquiera de ellas);
- `tag:lr=0.1`: tiene la etiqueta lr con el valor 0.1; `tag:lr`: tiene una etiqueta lr, con cualquier valor;
- `type:sweep`: su tipo de trabajo (un trabajo de Azure ML: command, sweep, pipeline...) empieza por «sweep» (con varias palabras `type:`, cualquiera de ellas);
- cualquier otra palabra: se busca en su nombre para mostrar, su id o su número de ejecución (sin distinguir mayúsculas).

Las comillas mantienen los espacios dentro de una palabra: `tag:&quot;note=first try&quot;`, `&quot;cnn lr&quot;`.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="64"/>
        <source>Web browser</source>
        <translation>Navegador web</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="65"/>
        <source>Device code (sign in on another device)</source>
        <translation>Código de dispositivo (iniciar sesión en otro dispositivo)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="66"/>
        <source>Azure CLI (az login)</source>
        <translation>CLI de Azure (az login)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="67"/>
        <source>Service principal with a client secret</source>
        <translation>Entidad de servicio con un secreto de cliente</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="79"/>
        <source>install a Secret Service, such as GNOME Keyring (the gnome-keyring package) or KDE Wallet, and have it running and unlocked in your session; if one already runs, check that the keyring configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not choose another backend</source>
        <translation>instale un Secret Service, como GNOME Keyring (el paquete gnome-keyring) o KDE Wallet, y téngalo en marcha y desbloqueado en su sesión; si ya hay uno en marcha, compruebe que la configuración de keyring (PYTHON_KEYRING_BACKEND, keyringrc.cfg) no elige otro backend</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="85"/>
        <source>let the keyring library use the macOS Keychain: check that the keyring configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not turn it off or choose another backend</source>
        <translation>deje que la biblioteca keyring use el Llavero de macOS: compruebe que la configuración de keyring (PYTHON_KEYRING_BACKEND, keyringrc.cfg) no lo desactiva ni elige otro backend</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="90"/>
        <source>let the keyring library use the Windows Credential Manager: check that the keyring configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not turn it off or choose another backend</source>
        <translation>deje que la biblioteca keyring use el Administrador de credenciales de Windows: compruebe que la configuración de keyring (PYTHON_KEYRING_BACKEND, keyringrc.cfg) no lo desactiva ni elige otro backend</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="210"/>
        <source>Sign in to Azure</source>
        <translation>Iniciar sesión en Azure</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="210"/>
        <source>Sign in to Azure again</source>
        <translation>Volver a iniciar sesión en Azure</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="219"/>
        <source>You signed out of {0}. Sign in again to read its workspaces: tbdesk still remembers them.</source>
        <translation>Cerró la sesión en {0}. Vuelva a iniciar sesión para leer sus áreas de trabajo: tbdesk todavía las recuerda.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="226"/>
        <source>how the tree names this account</source>
        <translation>cómo llama el árbol a esta cuenta</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="229"/>
        <source>Checking which sign-in methods this computer offers…</source>
        <translation>Comprobando qué métodos de inicio de sesión ofrece este equipo…</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="235"/>
        <source>optional: your organisation&apos;s tenant id or domain</source>
        <translation>opcional: el id de inquilino o el dominio de su organización</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="236"/>
        <source>the application (client) id</source>
        <translation>el id de la aplicación (cliente)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="237"/>
        <source>kept only in the system keyring</source>
        <translation>se guarda solo en el llavero del sistema</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="239"/>
        <source>Custom endpoints (a private cloud)</source>
        <translation>Puntos de conexión propios (una nube privada)</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="246"/>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="261"/>
        <source>Account name</source>
        <translation>Nombre de la cuenta</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="262"/>
        <source>Sign in with</source>
        <translation>Iniciar sesión con</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="264"/>
        <source>Cloud</source>
        <translation>Nube</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="265"/>
        <source>Tenant</source>
        <translation>Inquilino</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="266"/>
        <source>Client id</source>
        <translation>Id de cliente</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="267"/>
        <source>Client secret</source>
        <translation>Secreto de cliente</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="269"/>
        <source>Resource Manager</source>
        <translation>Resource Manager</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="270"/>
        <source>Sign-in authority</source>
        <translation>Autoridad de inicio de sesión</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="324"/>
        <source>These sign-in methods work here, as they store no secret: {0}.</source>
        <translation>Estos métodos de inicio de sesión funcionan aquí, porque no guardan ningún secreto: {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="328"/>
        <source>No other sign-in method works here either.</source>
        <translation>Tampoco funciona aquí ningún otro método de inicio de sesión.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="333"/>
        <source>&lt;b&gt;Secrets cannot be stored on this system&lt;/b&gt;, so a service principal cannot be used: its client secret may only be kept in a system keyring (such as the Secret Service), and none is usable. {0}&lt;br&gt;{1}&lt;br&gt;To use a service principal, {2}, then open this dialog again.</source>
        <translation>&lt;b&gt;En este sistema no se pueden guardar secretos&lt;/b&gt;, así que no se puede usar una entidad de servicio: su secreto de cliente solo puede guardarse en un llavero del sistema (como el Secret Service), y no hay ninguno utilizable. {0}&lt;br&gt;{1}&lt;br&gt;Para usar una entidad de servicio, {2}, y vuelva a abrir este diálogo.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="350"/>
        <source>Give the account a name (it is how the tree shows it).</source>
        <translation>Dé un nombre a la cuenta (así la muestra el árbol).</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="364"/>
        <source>A service principal needs its tenant, its client id and a client secret.</source>
        <translation>Una entidad de servicio necesita su inquilino, su id de cliente y un secreto de cliente.</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="418"/>
        <source>your organisation&apos;s tenant id or domain</source>
        <translation>el id de inquilino o el dominio de su organización</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="420"/>
        <source>optional: your organisation&apos;s tenant</source>
        <translation>opcional: el inquilino de su organización</translation>
    </message>
    <message>
        <location filename="../../ui/azure_dialogs.py" line="822"/>
        <source>{0} and {1}</source>
        <translation>{0} y {1}</translation>
    </message>
</context>
<context>
    <name>SourceActions</name>
    <message>
        <location filename="../../ui/source_actions.py" line="122"/>
        <source>Cannot open the datastore {name}</source>
        <translation>No se puede abrir el almacén de datos {name}</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="38"/>
        <source>Open logs folder…</source>
        <translation>Abrir carpeta de registros…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="40"/>
        <source>Open cloud folder…</source>
        <translation>Abrir carpeta en la nube…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="41"/>
        <source>Close folder</source>
        <translation>Cerrar la carpeta</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="42"/>
        <source>Sign in to Azure…</source>
        <translation>Iniciar sesión en Azure…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="43"/>
        <source>Add Azure ML workspace…</source>
        <translation>Añadir área de trabajo de Azure ML…</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="45"/>
        <source>Remove workspace</source>
        <translation>Quitar el área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="47"/>
        <source>Sign in again</source>
        <translation>Volver a iniciar sesión</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="61"/>
        <source>Open logs folder</source>
        <translation>Abrir una carpeta de registros</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="68"/>
        <source>Open logs folder failed</source>
        <translation>No se pudo abrir la carpeta de registros</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="69"/>
        <source>{0} is not a folder.</source>
        <translation>{0} no es una carpeta.</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="165"/>
        <source>Not signed in</source>
        <translation>Sin sesión iniciada</translation>
    </message>
    <message>
        <location filename="../../ui/source_actions.py" line="171"/>
        <source>No Azure account</source>
        <translation>Ninguna cuenta de Azure</translation>
    </message>
</context>
<context>
    <name>SourceTree</name>
    <message>
        <location filename="../../ui/tree_nodes.py" line="156"/>
        <source>not browsable</source>
        <translation>no explorable</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="207"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="208"/>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="209"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="210"/>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="223"/>
        <source>Local workspace</source>
        <translation>Área de trabajo local</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="226"/>
        <source>Local workspace ({0})</source>
        <translation>Área de trabajo local ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="261"/>
        <source>Run id: {0}</source>
        <translation>Id de ejecución: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="262"/>
        <source>Status: {0}</source>
        <translation>Estado: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="265"/>
        <source>Type: {0} job</source>
        <translation>Tipo: trabajo {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="267"/>
        <source>Started: {0}</source>
        <translation>Inicio: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="270"/>
        <source>Last written: {0}</source>
        <translation>Última escritura: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="272"/>
        <source>Ended: {0}</source>
        <translation>Fin: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="277"/>
        <source>Sync: {0}</source>
        <translation>Sincronización: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="222"/>
        <source>Local workspace (read-only)</source>
        <translation>Área de trabajo local (solo lectura)</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="169"/>
        <source>NotStarted</source>
        <translation>Sin iniciar</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="170"/>
        <source>Unapproved</source>
        <translation>Sin aprobar</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="171"/>
        <source>Queued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="172"/>
        <source>Preparing</source>
        <translation>Preparando</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="173"/>
        <source>Provisioning</source>
        <translation>Aprovisionando</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="174"/>
        <source>Starting</source>
        <translation>Iniciando</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="175"/>
        <source>Running</source>
        <translation>En ejecución</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="176"/>
        <source>NotResponding</source>
        <translation>No responde</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="177"/>
        <source>Pausing</source>
        <translation>Pausando</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="178"/>
        <source>Paused</source>
        <translation>En pausa</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="179"/>
        <source>Finalizing</source>
        <translation>Finalizando</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="180"/>
        <source>CancelRequested</source>
        <translation>Cancelación solicitada</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="181"/>
        <source>Completed</source>
        <translation>Completada</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="182"/>
        <source>Failed</source>
        <translation>Con error</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="183"/>
        <source>Canceled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="184"/>
        <source>Unknown</source>
        <translation>Desconocido</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="197"/>
        <source>live</source>
        <translation>en curso</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="225"/>
        <source>Local workspace ({0}, read-only)</source>
        <translation>Área de trabajo local ({0}, solo lectura)</translation>
    </message>
</context>
<context>
    <name>SourceTreeModel</name>
    <message>
        <location filename="../../ui/tree_model.py" line="159"/>
        <source>No workspaces: File &gt; Add Azure ML workspace…</source>
        <translation>Sin áreas de trabajo: Archivo &gt; Añadir área de trabajo de Azure ML…</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="294"/>
        <location filename="../../ui/tree_model.py" line="336"/>
        <location filename="../../ui/tree_model.py" line="422"/>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="355"/>
        <source>Datastores</source>
        <translation>Almacenes de datos</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="384"/>
        <source>No datastores</source>
        <translation>Sin almacenes de datos</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="378"/>
        <source>No experiments</source>
        <translation>Sin experimentos</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="389"/>
        <source>No runs</source>
        <translation>Sin ejecuciones</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="410"/>
        <source>More runs…</source>
        <translation>Más ejecuciones…</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="452"/>
        <source>Could not load: {0}</source>
        <translation>No se pudo cargar: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="456"/>
        <source>the tree</source>
        <translation>el árbol</translation>
    </message>
    <message>
        <location filename="../../ui/tree_model.py" line="459"/>
        <source>Loading {0} failed: {1}</source>
        <translation>No se pudo cargar {0}: {1}</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <location filename="../../ui/sync_status.py" line="38"/>
        <source> - retrying in {0} s</source>
        <translation> - reintento en {0} s</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="47"/>
        <location filename="../../ui/sync_status.py" line="77"/>
        <source>{0}, {1} fetched</source>
        <translation>{0}, {1} descargados</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="51"/>
        <source>Syncing…</source>
        <translation>Sincronizando…</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="52"/>
        <source>Live: {0}</source>
        <translation>En curso: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="53"/>
        <source>Up to date: {0}</source>
        <translation>Al día: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="54"/>
        <location filename="../../ui/sync_status.py" line="90"/>
        <source>Sync stopped</source>
        <translation>Sincronización detenida</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="55"/>
        <location filename="../../ui/sync_status.py" line="84"/>
        <source>Error: {0}</source>
        <translation>Error: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="60"/>
        <source>Refused: {0}</source>
        <translation>Rechazados: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="88"/>
        <source>Live - {0}</source>
        <translation>En curso - {0}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_status.py" line="92"/>
        <source>Up to date - {0}</source>
        <translation>Al día - {0}</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <location filename="../../ui/tasks.py" line="87"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../../ui/tasks.py" line="165"/>
        <source>Cancel {0}</source>
        <translation>Cancelar: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tasks.py" line="169"/>
        <source>Cancel all</source>
        <translation>Cancelar todo</translation>
    </message>
    <message>
        <location filename="../../ui/tasks.py" line="189"/>
        <source>Cancelled: {0}</source>
        <translation>Cancelado: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tasks.py" line="214"/>
        <source>{0} failed: {1}</source>
        <translation>Falló: {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/tasks.py" line="216"/>
        <source>{0} failed</source>
        <translation>Falló: {0}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/tasks.py" line="228"/>
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n más)</numerusform>
            <numerusform> (+%n más)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Unreadable</name>
    <message>
        <location filename="../../ui/tree_nodes.py" line="235"/>
        <source>; and {0} more</source>
        <translation>; y {0} más</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="237"/>
        <source>Cannot read 1 item, which TensorBoard will not show: {0}</source>
        <translation>No se puede leer 1 elemento, que TensorBoard no mostrará: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/tree_nodes.py" line="240"/>
        <source>Cannot read {0} items, which TensorBoard will not show: {1}</source>
        <translation>No se pueden leer {0} elementos, que TensorBoard no mostrará: {1}</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <location filename="../../ui/welcome.py" line="18"/>
        <source>Right-click runs in the tree and choose &lt;b&gt;Open in TensorBoard&lt;/b&gt;.</source>
        <translation>Haga clic derecho en ejecuciones del árbol y elija &lt;b&gt;Abrir en TensorBoard&lt;/b&gt;.</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="22"/>
        <source>No runs to look at yet? Start here:</source>
        <translation>¿Todavía no hay ejecuciones que ver? Empiece aquí:</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="26"/>
        <source>Open a logs folder…</source>
        <translation>Abrir una carpeta de registros…</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="27"/>
        <source>Show a folder of TensorBoard event files in the tree</source>
        <translation>Mostrar en el árbol una carpeta de archivos de eventos de TensorBoard</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="31"/>
        <source>Sign in to Azure ML…</source>
        <translation>Iniciar sesión en Azure ML…</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="32"/>
        <source>Browse the runs of your Azure Machine Learning workspaces</source>
        <translation>Explorar las ejecuciones de sus áreas de trabajo de Azure Machine Learning</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="36"/>
        <source>Create the demo</source>
        <translation>Crear la demostración</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="37"/>
        <source>Add small example experiments to the local workspace</source>
        <translation>Añadir pequeños experimentos de ejemplo al área de trabajo local</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="58"/>
        <source>Nothing to look at yet. Start here:</source>
        <translation>Nada que ver todavía. Empiece aquí:</translation>
    </message>
    <message>
        <location filename="../../ui/welcome.py" line="58"/>
        <source>Or get more runs:</source>
        <translation>O consiga más ejecuciones:</translation>
    </message>
</context>
<context>
    <name>WorkspacePrompt</name>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="29"/>
        <source>Workspace not found</source>
        <translation>No se encontró el área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="30"/>
        <source>The workspace folder {0} does not exist.</source>
        <translation>La carpeta del área de trabajo {0} no existe.</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="32"/>
        <source>Create a new, empty workspace there, or quit tbdesk?</source>
        <translation>¿Crear allí un área de trabajo nueva y vacía, o salir de tbdesk?</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="35"/>
        <source>Create workspace</source>
        <translation>Crear área de trabajo</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="37"/>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <location filename="../../ui/workspace_prompt.py" line="47"/>
        <source>Workspace not created</source>
        <translation>No se creó el área de trabajo</translation>
    </message>
</context>
<context>
    <name>_Counts</name>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="18"/>
        <source>%Ln runs</source>
        <translation>
            <numerusform>%Ln ejecución</numerusform>
            <numerusform>%Ln ejecuciones</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="21"/>
        <source>%Ln points</source>
        <translation>
            <numerusform>%Ln punto</numerusform>
            <numerusform>%Ln puntos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="24"/>
        <source>%Ln files</source>
        <translation>
            <numerusform>%Ln archivo</numerusform>
            <numerusform>%Ln archivos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="27"/>
        <source>%Ln TensorBoard processes</source>
        <translation>
            <numerusform>%Ln proceso de TensorBoard</numerusform>
            <numerusform>%Ln procesos de TensorBoard</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_ErrorPanel</name>
    <message>
        <location filename="../../ui/board_view.py" line="232"/>
        <source>Restart</source>
        <translation>Reiniciar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="233"/>
        <source>Start this board&apos;s TensorBoard again</source>
        <translation>Volver a iniciar el TensorBoard de este tablero</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="234"/>
        <source>Reload page</source>
        <translation>Recargar la página</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="247"/>
        <source>The board is not available.</source>
        <translation>El tablero no está disponible.</translation>
    </message>
</context>
<context>
    <name>_SyncStrip</name>
    <message>
        <location filename="../../ui/board_view.py" line="274"/>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="274"/>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <location filename="../../ui/board_view.py" line="275"/>
        <source>Look for new logs now</source>
        <translation>Buscar registros nuevos ahora</translation>
    </message>
</context>
</TS>
